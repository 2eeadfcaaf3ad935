/**
 * The projection against the real broker and database: given events on the claim topic, then these
 * rows (timelines on both axes, the current state), and a seeded property test that reads every
 * district through the HTTP API at random instants on both axes and compares it with the reference
 * rules (`districtStatus` over the events visible then) and with the reference history.
 */
import {
  Axis,
  ClaimEvent,
  districtHistory,
  districtStatus,
  LoggedEvent,
  visibleAt,
} from '@sitrep/domain';
import {
  assertion,
  aug,
  BAGHLAN,
  districtRef,
  districtsOf,
  dispute,
  gazetteer,
  PANJSHIR,
  prng,
  retraction,
  sep,
  workedExample,
} from '@sitrep/domain/testing/fixtures';
import { randomLog } from '@sitrep/domain/testing/random-log';
import { Json, Stack, startStack } from '../../../test/support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ partitions: 3 });
});
afterAll(async () => {
  await stack?.stop();
});

/** Put events on the claim topic in this order (one partition per province, as the API keys them). */
async function produce(events: readonly LoggedEvent[]): Promise<void> {
  const producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic: stack.topics.claims,
      acks: -1,
      messages: events.map((e) => ({
        key: e.event.place.province,
        value: JSON.stringify(e.event),
        headers: { type: e.event.type, schema: String(e.event.schema) },
      })),
    });
  } finally {
    await producer.disconnect();
  }
  await stack.waitForProjection(60_000);
}

/** The events as the read model holds them: where each claim id first sits in the log. */
async function asLogged(events: readonly LoggedEvent[]): Promise<LoggedEvent[]> {
  const schema = await stack.readModelSchema();
  const { rows } = await stack.pool.query<{
    claim_id: string;
    partition: number;
    log_offset: string;
  }>(
    `SELECT claim_id, partition, log_offset FROM ${schema}.events WHERE claim_id = ANY($1::uuid[])`,
    [[...new Set(events.map((e) => e.event.id))]],
  );
  const at = new Map(
    rows.map((r) => [r.claim_id, { partition: r.partition, offset: Number(r.log_offset) }]),
  );
  const seen = new Set<string>();
  return events.map((e, i) => {
    const first = !seen.has(e.event.id);
    seen.add(e.event.id);
    const position = at.get(e.event.id)!;
    // A duplicate sits later in the same partition; only its being later matters.
    return { event: e.event, position: first ? position : { ...position, offset: 1e9 + i } };
  });
}

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const schema = await stack.readModelSchema();
  return (await stack.pool.query(sql.replace(/\$schema/g, schema), params)).rows as T[];
}

const uuid = (n: number) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;
/** The worked example with UUIDs (the read model keys claims by UUID). */
function workedExampleWithUuids() {
  const { all } = workedExample();
  const ids = new Map(all.map((e, i) => [e.event.id, uuid(100 + i)]));
  const swap = (e: LoggedEvent): LoggedEvent => {
    const data = e.event.data as { target?: { claimId?: string } };
    const target = data.target?.claimId
      ? { ...data.target, claimId: ids.get(data.target.claimId)! }
      : data.target;
    return {
      event: {
        ...e.event,
        id: ids.get(e.event.id)!,
        data: { ...e.event.data, ...(target && { target }) },
      } as ClaimEvent,
      position: e.position,
    };
  };
  return all.map(swap);
}

describe('given the worked example on the claim topic', () => {
  let events: LoggedEvent[];
  beforeAll(async () => {
    events = workedExampleWithUuids();
    await produce(events);
  });

  it('then the recorded timeline of AF0907 has a version at each report that changed it, with its cause', async () => {
    const found = await rows<{
      valid_from: Date;
      status: string;
      controller: string | null;
      caused_by: string;
    }>(
      `SELECT valid_from, status, controller, caused_by FROM $schema.status_timeline
        WHERE district = 'AF0907' AND axis = 'r' ORDER BY valid_from`,
    );
    expect(
      found.map((r) => [r.valid_from.toISOString(), r.status, r.controller, r.caused_by]),
    ).toEqual([
      [aug(22, 9), 'claimed', 'taliban', events[2]!.event.id],
      [aug(22, 15), 'contested', 'taliban', events[3]!.event.id],
    ]);
  });

  it('then the observed timeline has the versions at the instants things happened', async () => {
    const found = await rows<{ valid_from: Date; status: string }>(
      `SELECT valid_from, status FROM $schema.status_timeline
        WHERE district = 'AF0907' AND axis = 'o' ORDER BY valid_from`,
    );
    // r2 and r3 were both observed at 06:00 on 22 Aug: one change, to contested.
    expect(found.map((r) => [r.valid_from.toISOString(), r.status])).toEqual([
      [aug(22, 6), 'contested'],
    ]);
  });

  it('then each position version holds its run and the evidence that counts', async () => {
    const found = await rows<{ claimant: string; axis: string; valid_from: Date; record: string }>(
      `SELECT claimant, axis, valid_from, record FROM $schema.position_timeline
        WHERE district = 'AF0912' ORDER BY axis, valid_from, claimant`,
    );
    const last = found.filter((r) => r.axis === 'r' && r.claimant === 'nrf').at(-1)!;
    expect(JSON.parse(last.record)).toMatchObject({
      claimant: 'nrf',
      claims: [
        [
          events[1]!.event.id,
          Date.parse(aug(20, 6)),
          1,
          expect.any(Number),
          expect.any(Number),
          'control',
          'nrf',
          'exact',
        ],
      ],
      evidence: [
        [
          events[4]!.event.id,
          'c',
          'local-elders',
          events[1]!.event.id,
          expect.any(Number),
          expect.any(Number),
          'full',
        ],
      ],
    });
    expect(last.valid_from.toISOString()).toBe(aug(25, 8));
  });

  describe('when a late report arrives (observed before what is known)', () => {
    const late = assertion({
      id: uuid(200),
      claimant: 'taliban',
      place: 'AF0907',
      kind: 'presence',
      observedAt: aug(21),
      recordedAt: aug(26),
      offset: 0,
    });
    let recordedBefore: Json[];
    let othersBefore: Json[];
    const others = `SELECT * FROM $schema.position_timeline WHERE axis = 'o' AND district <> 'AF0907'
      ORDER BY district, claimant, valid_from`;
    beforeAll(async () => {
      recordedBefore = await rows(
        `SELECT * FROM $schema.status_timeline WHERE axis = 'r' ORDER BY district, valid_from`,
      );
      othersBefore = await rows(others);
      await produce([late]);
    });

    it('then the recorded timeline only grows', async () => {
      const after = await rows(
        `SELECT * FROM $schema.status_timeline WHERE axis = 'r' ORDER BY district, valid_from`,
      );
      expect(after.slice(0, recordedBefore.length)).toEqual(recordedBefore);
    });

    it('then the observed timeline of AF0907 is rewritten from the late instant on, and no other district’s', async () => {
      const found = await rows<{ valid_from: Date; status: string; controller: string | null }>(
        `SELECT valid_from, status, controller FROM $schema.status_timeline
          WHERE district = 'AF0907' AND axis = 'o' ORDER BY valid_from`,
      );
      // Taliban's presence alone leaves it unclaimed (no change of status on 21 Aug), but its
      // position is there from then on.
      expect(found.map((r) => [r.valid_from.toISOString(), r.status, r.controller])).toEqual([
        [aug(22, 6), 'contested', 'taliban'],
      ]);
      const positions = await rows<{ claimant: string; valid_from: Date; kind: string }>(
        `SELECT claimant, valid_from, kind FROM $schema.position_timeline
          WHERE district = 'AF0907' AND axis = 'o' ORDER BY valid_from, claimant`,
      );
      expect(positions.map((p) => [p.claimant, p.valid_from.toISOString(), p.kind])).toContainEqual(
        ['taliban', aug(21), 'presence'],
      );
      expect(await rows(others)).toEqual(othersBefore);
      const read = await stack.get('/v1/districts/AF0907', {
        query: { asOf: aug(21, 12), axis: 'observed' },
      });
      expect(read.body.positions.map((p: Json) => [p.claimant, p.kind])).toEqual([
        ['taliban', 'presence'],
      ]);
    });
  });

  describe('when taliban retracts its province claim', () => {
    beforeAll(async () => {
      const withdraw = retraction({
        id: uuid(300),
        claimant: 'taliban',
        target: events[2]!,
        observedAt: aug(27),
        recordedAt: aug(27),
        offset: 0,
      });
      await produce([withdraw]);
    });

    it('then on the recorded axis it counts from when it was recorded', async () => {
      const before = await stack.get('/v1/districts/AF0908', { query: { asOf: aug(26) } });
      expect(before.body).toMatchObject({ status: 'contested' });
      const after = await stack.get('/v1/districts/AF0908');
      expect(after.body).toMatchObject({ status: 'claimed', controller: 'nrf' });
    });

    it('then on the observed axis the withdrawn claim never appears, in the past either', async () => {
      const then = await stack.get('/v1/districts/AF0908', {
        query: { asOf: aug(23), axis: 'observed' },
      });
      expect(then.body).toMatchObject({ status: 'claimed', controller: 'nrf' });
      expect(then.body.positions.map((p: Json) => p.claimant)).toEqual(['nrf']);
    });
  });

  it('then a blanket dispute arriving in a batch of its own reaches the run it covers', async () => {
    const blanket = dispute({
      id: uuid(400),
      claimant: 'local-elders',
      target: { claimant: 'nrf', place: 'AF0912' },
      observedAt: aug(28),
      recordedAt: aug(28),
      offset: 0,
    });
    await produce([blanket]);
    const read = await stack.get('/v1/districts/AF0912');
    expect(read.body.positions.find((p: Json) => p.claimant === 'nrf').disputedBy).toEqual([
      'local-elders',
    ]);
  });
});

describe('given a claimant whose latest assertions are all retracted', () => {
  it('then its older assertions are read back from the events and its position is the older run', async () => {
    const said = (n: number, kind: 'control' | 'presence', day: number) =>
      assertion({
        id: uuid(500 + n),
        claimant: 'isk',
        place: 'AF0806',
        kind,
        observedAt: sep(day),
        recordedAt: sep(day, 1),
        offset: 0,
      });
    // Recorded after everything before on the topic (see the property test below).
    const first = said(0, 'control', 10);
    const second = said(1, 'presence', 11);
    const third = said(2, 'control', 12);
    // One batch each: the current state keeps the run and the assertion after it only.
    await produce([first]);
    await produce([second]);
    await produce([third]);
    const withdraw = (n: number, target: LoggedEvent) =>
      retraction({
        id: uuid(600 + n),
        claimant: 'isk',
        target,
        observedAt: sep(13),
        recordedAt: sep(13),
        offset: 0,
      });
    await produce([withdraw(0, third), withdraw(1, second)]);
    const read = (await stack.get('/v1/districts/AF0806')).body;
    expect(read.positions.map((p: Json) => [p.claimant, p.kind, p.claimIds])).toEqual([
      ['isk', 'control', [first.event.id]],
    ]);
  });
});

describe('given blanket disputes stored before the claims they reach', () => {
  it('then a claimant’s first claims are disputed by those over the district or its province observed at or after them', async () => {
    const blanket = (n: number, claimant: string, place: string, day: number) =>
      dispute({
        id: uuid(700 + n),
        claimant,
        target: { claimant: 'hizb', place },
        observedAt: sep(day),
        recordedAt: sep(20),
        offset: 0,
      });
    await produce([blanket(0, 'monitors', PANJSHIR, 15), blanket(1, 'elders', 'AF0807', 16)]);

    const control = (n: number, place: string, day: number) =>
      assertion({
        id: uuid(710 + n),
        claimant: 'hizb',
        place,
        observedAt: sep(day),
        recordedAt: sep(21),
        offset: 0,
      });
    // hizb held no position there: its lines start in this batch, and the store finds the blankets.
    await produce([control(0, 'AF0807', 14), control(1, 'AF0803', 17)]);

    const disputedBy = async (pcode: string) =>
      (await stack.get(`/v1/districts/${pcode}`)).body.positions.find(
        (p: Json) => p.claimant === 'hizb',
      ).disputedBy;
    expect(await disputedBy('AF0807')).toEqual(['elders', 'monitors']);
    expect(await disputedBy('AF0803')).toEqual([]);
  });
});

describe('given random logs through the real broker and database (seeded)', () => {
  const DISTRICTS = [...districtsOf(BAGHLAN), ...districtsOf(PANJSHIR)].map(districtRef);

  it.each([11, 12])(
    'seed %i: every district read through the API at random instants on both axes is the reference status, and its history the reference history',
    async (seed) => {
      // Ids of their own, recorded after everything before on the topic (the recorded axis follows
      // the log: an event recorded earlier than one before it counts from the later instant).
      const start = new Date(Date.parse('2021-10-01T00:00:00Z') + seed * 60 * 86_400_000);
      const generated = randomLog({ seed, events: 160, start: start.toISOString() }).map((e) => {
        const json = JSON.stringify(e.event).replace(
          /00000000-0000-4000-8000-/g,
          `00000000-0000-4000-a${seed}0-`,
        );
        return { event: JSON.parse(json) as ClaimEvent, position: e.position };
      });
      const before = (await rows<{ claim_id: string }>('SELECT claim_id FROM $schema.events'))
        .length;
      // In four parts, each projected and settled before the next: late events of a later part
      // rewrite observed timelines over versions already stored.
      for (let part = 0; part < 4; part++)
        await produce(generated.slice(part * 40, part * 40 + 40));
      // The reference sees what the read model holds: the earlier specs' events and these.
      const schema = await stack.readModelSchema();
      const all = (
        await stack.pool.query<{ body: ClaimEvent; partition: number; log_offset: string }>(
          `SELECT body, partition, log_offset FROM ${schema}.events`,
        )
      ).rows.map((r) => ({
        event: r.body,
        position: { partition: r.partition, offset: Number(r.log_offset) },
      }));
      expect(all.length).toBeGreaterThan(before);
      const log = [...all, ...(await asLogged(generated)).filter((e) => e.position.offset >= 1e9)];
      const random = prng(seed);
      for (const axis of ['recorded', 'observed'] as Axis[]) {
        const instants = [
          ...new Set(
            generated.map((e) =>
              Date.parse(axis === 'recorded' ? e.event.recordedAt : e.event.observedAt),
            ),
          ),
        ];
        for (let n = 0; n < 8; n++) {
          const at = instants[Math.floor(random() * instants.length)]! - (random() < 0.3 ? 1 : 0);
          const asOf = new Date(at).toISOString();
          const visible = visibleAt(log, asOf, axis);
          for (const district of DISTRICTS) {
            const expected = districtStatus(district, visible);
            const read = (
              await stack.get(`/v1/districts/${district.pcode}`, { query: { asOf, axis } })
            ).body;
            const where = `${district.pcode} as of ${asOf} (${axis})`;
            expect({
              where,
              status: read.status,
              controller: read.controller,
              verification: read.verification,
            }).toEqual({
              where,
              status: expected.status,
              controller: expected.controller,
              verification: expected.verification,
            });
            expect({
              where,
              positions: read.positions.map((p: Json) => [
                p.claimant,
                p.kind,
                p.actor,
                p.observedAt,
                p.claimIds,
                p.disputedBy,
                p.corroboratedBy,
              ]),
            }).toEqual({
              where,
              positions: expected.positions.map((p) => [
                p.claimant,
                p.kind,
                p.actor,
                p.observedAt,
                p.claimIds,
                p.disputedBy,
                p.corroboratedBy,
              ]),
            });
          }
        }
        for (const district of DISTRICTS) {
          const history = (
            await stack.get(`/v1/districts/${district.pcode}/history`, {
              query: { axis, limit: 200 },
            })
          ).body;
          expect({
            district: district.pcode,
            axis,
            changes: history.changes.map((c: Json) => [
              c.at,
              c.status,
              c.controller,
              c.verification,
              c.causedBy.claimId,
            ]),
          }).toEqual({
            district: district.pcode,
            axis,
            changes: districtHistory(district, log, gazetteer, axis).map((c) => [
              c.at,
              c.status,
              c.controller,
              c.verification,
              c.causedBy.claimId,
            ]),
          });
        }
      }
    },
    240_000,
  );
});
