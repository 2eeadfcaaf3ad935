import { isUnavailable, retryWhileUnavailable } from './unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('a dependency that is away', () => {
  it.each([
    ['57P01: terminating connection due to administrator command', withCode('57P01')],
    ['57P03: the database system is starting up', withCode('57P03')],
    ['a connection exception (08006)', withCode('08006')],
    ['ECONNREFUSED', withCode('ECONNREFUSED')],
    ['ECONNRESET', withCode('ECONNRESET')],
    ['Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a cause that is one', Object.assign(new Error('wrapped'), { cause: withCode('ECONNRESET') })],
  ])('is recognised: %s', (_name, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    ['a data error (22P02)', withCode('22P02')],
    ['a unique violation (23505)', withCode('23505')],
    ['a syntax error (42601)', withCode('42601')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNRESET'],
  ])('is not confused with: %s', (_name, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});

describe('retrying while a dependency is away', () => {
  it('retries until the work succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryWhileUnavailable(
      async () => {
        if (++calls < 3) throw withCode('ECONNREFUSED');
        return 'done';
      },
      { timeoutMs: 10_000, onRetry: (_e, attempt) => retries.push(attempt) },
    );
    expect(result).toBe('done');
    expect(retries).toEqual([1, 2]);
  });

  it('throws any other error at once, and the last one when time is up', async () => {
    let calls = 0;
    await expect(
      retryWhileUnavailable(
        async () => {
          calls++;
          throw withCode('42P01', 'relation does not exist');
        },
        { timeoutMs: 10_000 },
      ),
    ).rejects.toThrow('relation does not exist');
    expect(calls).toBe(1);
    await expect(
      retryWhileUnavailable(async () => Promise.reject(withCode('ECONNREFUSED', 'refused')), {
        timeoutMs: 300,
      }),
    ).rejects.toThrow('refused');
  });
});
