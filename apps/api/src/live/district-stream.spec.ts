import { ChangesPage, DistrictChange } from './district-changes.reader';
import { DistrictStream, PAGE } from './district-stream';

/** An in-memory change log of one read-model version at a time. */
class Log {
  version = 1;
  rows: DistrictChange[] = [];
  pages = 0;

  add(...districts: string[]): void {
    for (const district of districts) {
      const position = (this.rows.at(-1)?.position ?? 0) + 1;
      this.rows.push({ position, district, province: district.slice(0, 4) });
    }
  }

  page = async (
    after: number,
    province: string | undefined,
    limit: number,
  ): Promise<ChangesPage> => {
    this.pages += 1;
    return {
      version: this.version,
      oldest: this.rows[0]?.position ?? 0,
      newest: this.rows.at(-1)?.position ?? 0,
      changes: this.rows
        .filter((r) => r.position > after && (!province || r.province === province))
        .slice(0, limit),
    };
  };
}

interface Sent {
  event: string;
  id: string;
  data: { position: string; district?: string; reason?: string; document?: unknown };
}

function streamOn(log: Log, province?: string, from?: { version: number; position: number }) {
  const chunks: string[] = [];
  const stream = new DistrictStream(
    {
      page: log.page,
      document: async (pcode) => ({ pcode }),
      write: async (chunk) => void chunks.push(chunk),
      onError: (error) => {
        throw error;
      },
    },
    province,
    from,
  );
  const sent = (): Sent[] =>
    chunks
      .filter((c) => c.startsWith('event: '))
      .map((c) => {
        const [event, id, data] = c.trim().split('\n');
        return {
          event: event!.slice(7),
          id: id!.slice(4),
          data: JSON.parse(data!.slice(6)),
        };
      });
  return { stream, chunks, sent };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a district stream', () => {
  it('starts at the newest position, then sends each later change with its document', async () => {
    const log = new Log();
    log.add('AF0101', 'AF0802');
    const { stream, chunks, sent } = streamOn(log);
    await stream.open();
    await settle();
    expect(chunks).toContain(': open at 1:2\n\n');
    expect(sent()).toEqual([]);
    log.add('AF0907');
    stream.wake();
    await settle();
    expect(sent()).toEqual([
      {
        event: 'district',
        id: '1:3',
        data: {
          position: '1:3',
          district: 'AF0907',
          province: 'AF09',
          document: { pcode: 'AF0907' },
        },
      },
    ]);
  });

  it('sends a district changed several times in one page once, at its last position', async () => {
    const log = new Log();
    const { stream, sent } = streamOn(log, undefined, { version: 1, position: 0 });
    log.add('AF0101', 'AF0802', 'AF0101', 'AF0907');
    await stream.open();
    await settle();
    expect(sent().map((e) => [e.data.district, e.id])).toEqual([
      ['AF0802', '1:2'],
      ['AF0101', '1:3'],
      ['AF0907', '1:4'],
    ]);
  });

  it('reads on while pages are full, and resumes from a position with every later change', async () => {
    const log = new Log();
    for (let i = 0; i < PAGE * 2 + 5; i++) log.add(`AF${String(1000 + i).padStart(4, '0')}`);
    const { stream, sent } = streamOn(log, undefined, { version: 1, position: 10 });
    await stream.open();
    for (let i = 0; i < 10; i++) await settle();
    expect(sent().map((e) => e.id)).toEqual(log.rows.slice(10).map((r) => `1:${r.position}`));
    expect(stream.position).toEqual({ version: 1, position: PAGE * 2 + 5 });
  });

  it('keeps to its province, and moves past other provinces\u2019 changes', async () => {
    const log = new Log();
    const { stream, sent } = streamOn(log, 'AF09', { version: 1, position: 0 });
    await stream.open();
    log.add('AF0101', 'AF0907', 'AF0802');
    stream.wake();
    await settle();
    expect(sent().map((e) => e.data.district)).toEqual(['AF0907']);
    expect(stream.position).toEqual({ version: 1, position: 2 });
    stream.wake();
    await settle();
    expect(stream.position).toEqual({ version: 1, position: 3 });
  });

  it('says reset when another version goes live, then follows that version', async () => {
    const log = new Log();
    log.add('AF0101');
    const { stream, sent } = streamOn(log);
    await stream.open();
    await settle();
    log.version = 2;
    log.rows = [];
    log.add('AF0802', 'AF0907');
    stream.wake();
    await settle();
    log.add('AF0101');
    stream.wake();
    await settle();
    expect(sent().map((e) => [e.event, e.id, e.data.reason])).toEqual([
      ['reset', '2:2', 'read-model-switched'],
      ['district', '2:3', undefined],
    ]);
  });

  it('says reset when the changes after its position were pruned, or the position is unknown', async () => {
    const log = new Log();
    log.add('AF0101', 'AF0802', 'AF0907', 'AF0908');
    log.rows = log.rows.slice(2); // 1 and 2 pruned
    const pruned = streamOn(log, undefined, { version: 1, position: 1 });
    await pruned.stream.open();
    await settle();
    expect(pruned.sent().map((e) => [e.event, e.id, e.data.reason])).toEqual([
      ['reset', '1:4', 'position-pruned'],
    ]);
    const kept = streamOn(log, undefined, { version: 1, position: 2 });
    await kept.stream.open();
    await settle();
    expect(kept.sent().map((e) => e.id)).toEqual(['1:3', '1:4']);
    const future = streamOn(log, undefined, { version: 1, position: 99 });
    await future.stream.open();
    await settle();
    expect(future.sent().map((e) => [e.event, e.data.reason])).toEqual([
      ['reset', 'unknown-position'],
    ]);
  });

  it('coalesces wakes that come while it reads', async () => {
    const log = new Log();
    const { stream } = streamOn(log);
    await stream.open();
    await settle();
    const before = log.pages;
    for (let i = 0; i < 10; i++) stream.wake();
    await settle();
    expect(log.pages - before).toBeLessThanOrEqual(2);
  });
});
