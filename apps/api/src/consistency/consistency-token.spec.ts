import {
  checkpointsPassed,
  decodeConsistencyToken,
  encodeConsistencyToken,
  lastPositions,
} from './consistency-token';

describe('consistency tokens', () => {
  it('round-trip partition → offset maps, whatever the order they were built in', () => {
    const positions = new Map([
      [2, 17],
      [0, 4],
      [11, 9_007_199_254_740_991],
    ]);
    const token = encodeConsistencyToken(positions);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').toString()).toBe('0:4,2:17,11:9007199254740991');
    expect(decodeConsistencyToken(token)).toEqual(positions);
    expect(encodeConsistencyToken(new Map([...positions].reverse()))).toBe(token);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not pairs', Buffer.from('hello').toString('base64url')],
    ['a negative offset', Buffer.from('0:-1').toString('base64url')],
    ['a repeated partition', Buffer.from('0:1,0:2').toString('base64url')],
    ['an offset beyond 2^53', Buffer.from('0:9007199254740993').toString('base64url')],
    ['a partition out of range', Buffer.from('10000:1').toString('base64url')],
    ['a trailing comma', Buffer.from('0:1,').toString('base64url')],
    ['a non-canonical encoding', `${Buffer.from('0:1').toString('base64url')}A`],
  ])('refuse %s', (_what, token) => {
    expect(decodeConsistencyToken(token)).toBeUndefined();
  });

  it('keep the last offset per partition of several events', () => {
    const events = [
      { partition: 1, offset: 5 },
      { partition: 0, offset: 3 },
      { partition: 1, offset: 7 },
      { partition: 1, offset: 6 },
    ];
    expect(lastPositions(events)).toEqual(
      new Map([
        [1, 7],
        [0, 3],
      ]),
    );
  });

  it('are satisfied once every partition next offset lies past the position', () => {
    const positions = new Map([
      [0, 4],
      [2, 9],
    ]);
    expect(checkpointsPassed(positions, new Map([[0, 5]]))).toBe(false);
    expect(
      checkpointsPassed(
        positions,
        new Map([
          [0, 5],
          [2, 9],
        ]),
      ),
    ).toBe(false);
    expect(
      checkpointsPassed(
        positions,
        new Map([
          [0, 5],
          [2, 10],
          [1, 0],
        ]),
      ),
    ).toBe(true);
  });
});
