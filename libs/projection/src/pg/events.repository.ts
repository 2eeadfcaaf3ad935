/**
 * The `events` table of a read-model version: every claim event once, with the facts the
 * projection reads and whether it is withdrawn now. Look-ups by claim id, by target, by place and
 * instant, and a line's older assertions, all through indexes (read-model.sql).
 */
import {
  AssertionKind,
  ClaimEventType,
  ClaimFacts,
  Degree,
  LineNeed,
  Precision,
} from '@sitrep/domain';
import { PoolClient } from 'pg';
import { AppliedEvent } from '../projection-effects';
import { OlderAssertions, StoredClaim } from '../projection-store';
import { TimeSlice } from '../time-slice';
import { addEventRow, EVENT_COLUMNS } from './copy-rows';
import { CopyStream } from './copy-stream';

/** The columns a claim's facts are read from. */
const FACTS = `claim_id, type, claimant, place_pcode, province, specific, kind, actor, precision,
  target_id, target_claimant, target_place, degree, partition, log_offset, withdrawn,
  extract(epoch from observed_at) * 1000 AS at, extract(epoch from recorded_at) * 1000 AS recorded`;

interface FactsRow {
  claim_id: string;
  type: ClaimEventType;
  claimant: string;
  place_pcode: string;
  province: string;
  specific: number;
  kind: AssertionKind | null;
  actor: string | null;
  precision: Precision | null;
  target_id: string | null;
  target_claimant: string | null;
  target_place: string | null;
  degree: Degree | null;
  partition: number;
  log_offset: string;
  withdrawn: boolean;
  at: string | number;
  recorded: string | number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function storedClaim(r: FactsRow): StoredClaim {
  const at = Number(r.at);
  return {
    facts: {
      id: r.claim_id,
      type: r.type,
      claimant: r.claimant,
      place: r.place_pcode,
      province: r.province,
      specific: r.specific === 1 ? 1 : 0,
      at,
      observedAt: iso(at),
      recordedAt: Number(r.recorded),
      partition: r.partition,
      offset: Number(r.log_offset),
      kind: r.kind ?? undefined,
      actor: r.actor,
      precision: r.precision ?? undefined,
      targetId: r.target_id ?? undefined,
      targetClaimant: r.target_claimant ?? undefined,
      targetPlace: r.target_place ?? undefined,
      degree: r.degree ?? undefined,
    },
    withdrawn: r.withdrawn,
  };
}

/** Rule 2's order as SQL: newest first. */
const NEWEST_FIRST = 'observed_at DESC, specific DESC, partition DESC, log_offset DESC';

export class EventsRepository {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  private async select(where: string, params: unknown[], tail = ''): Promise<StoredClaim[]> {
    const { rows } = await this.client.query<FactsRow>(
      `SELECT ${FACTS} FROM ${this.schema}.events WHERE ${where} ${tail}`,
      params,
    );
    return rows.map(storedClaim);
  }

  async applied(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.client.query<{ claim_id: string }>(
      `SELECT claim_id FROM ${this.schema}.events WHERE claim_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Set(rows.map((r) => r.claim_id));
  }

  claims(ids: readonly string[]): Promise<StoredClaim[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.select('claim_id = ANY($1::uuid[])', [ids]);
  }

  /** Claims that target these by id (disputes, corroborations, retractions). */
  targeting(ids: readonly string[]): Promise<StoredClaim[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.select('target_id = ANY($1::uuid[])', [ids]);
  }

  /** Live blanket disputes of each claimant over its places observed at or after its instant. */
  async blanketsReaching(
    reaching: readonly { claimant: string; places: readonly string[]; at: number }[],
  ): Promise<ClaimFacts[]> {
    // One row per claimant and place, from the earliest instant asked: a blanket dispute names
    // one place, so it matches one row at most, and each is an equality probe of the index on
    // (target_claimant, target_place, observed_at). (Both places in one row, `IN (district,
    // province)`, made Postgres merge-join on the claimant alone and filter ~100 times the rows.)
    const earliest = new Map<string, { claimant: string; place: string; at: number }>();
    for (const r of reaching)
      for (const place of r.places) {
        const key = `${r.claimant}\u0000${place}`;
        const known = earliest.get(key);
        if (!known || r.at < known.at) earliest.set(key, { claimant: r.claimant, place, at: r.at });
      }
    if (earliest.size === 0) return [];
    const rows = [...earliest.values()];
    const { rows: found } = await this.client.query<FactsRow>(
      `SELECT ${FACTS}
         FROM unnest($1::text[], $2::text[], $3::float8[]) AS r(reached_claimant, reached_place, reached_at)
         JOIN ${this.schema}.events
           ON target_claimant = r.reached_claimant AND target_place = r.reached_place
          AND observed_at >= to_timestamp(r.reached_at / 1000) AND NOT withdrawn`,
      [rows.map((r) => r.claimant), rows.map((r) => r.place), rows.map((r) => r.at)],
    );
    return found.map((r) => storedClaim(r).facts);
  }

  /**
   * For each need, the line's live assertions older than its `below`, newest first (up to
   * `limit`), with the disputes and corroborations that target them and the blanket disputes that
   * reach them: three statements whatever the number of needs.
   */
  async older(
    needs: readonly { need: LineNeed; places: readonly string[] }[],
    limit: number,
  ): Promise<OlderAssertions[]> {
    if (needs.length === 0) return [];
    const { rows } = await this.client.query<FactsRow & { i: number }>(
      `SELECT n.i, f.* FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
           $6::smallint[], $7::int[], $8::bigint[]) AS n(i, claimant, district, province, at, specific, part, off)
         CROSS JOIN LATERAL (
           SELECT ${FACTS} FROM ${this.schema}.events
            WHERE place_pcode IN (n.district, n.province) AND claimant = n.claimant
              AND kind IS NOT NULL AND NOT withdrawn
              AND (n.at IS NULL OR (observed_at, specific, partition, log_offset) < (n.at, n.specific, n.part, n.off))
            ORDER BY ${NEWEST_FIRST} LIMIT $9) f`,
      [
        needs.map((_, i) => i),
        needs.map((n) => n.need.claimant),
        needs.map((n) => n.places[0]),
        needs.map((n) => n.places[1] ?? n.places[0]),
        needs.map((n) => (n.need.below ? iso(n.need.below.at) : null)),
        needs.map((n) => n.need.below?.specific ?? null),
        needs.map((n) => n.need.below?.partition ?? null),
        needs.map((n) => n.need.below?.offset ?? null),
        Math.floor(limit) + 1,
      ],
    );
    const found = needs.map(() => [] as ClaimFacts[]);
    for (const row of rows) found[row.i]!.push(storedClaim(row).facts);
    const claims = found.map((list) => list.slice(0, limit));
    const ids = claims.flat().map((c) => c.id);
    const evidence = (await this.targeting(ids)).filter(
      (t) =>
        !t.withdrawn &&
        (t.facts.type === 'claim.disputed' || t.facts.type === 'claim.corroborated'),
    );
    const blankets = await this.blanketsReaching(
      needs.flatMap(({ need, places }, i) => {
        const oldest = claims[i]!.at(-1);
        return oldest ? [{ claimant: need.claimant, places, at: oldest.at }] : [];
      }),
    );
    return needs.map(({ need, places }, i) => {
      const mine = new Set(claims[i]!.map((c) => c.id));
      const oldest = claims[i]!.at(-1)?.at ?? Infinity;
      return {
        claims: claims[i]!,
        more: found[i]!.length > limit,
        evidence: evidence.filter((t) => mine.has(t.facts.targetId!)).map((t) => t.facts),
        blankets: blankets.filter(
          (b) =>
            b.targetClaimant === need.claimant && places.includes(b.targetPlace!) && b.at >= oldest,
        ),
      };
    });
  }

  /**
   * For each district (or province lane), the live claims about it or its province observed at
   * or after its `from` (retractions left out): one statement for all of them.
   */
  async observedFrom(
    places: readonly { pcode: string; province: string; from: number }[],
  ): Promise<ClaimFacts[][]> {
    const found = places.map(() => [] as ClaimFacts[]);
    if (places.length === 0) return found;
    const { rows } = await this.client.query<FactsRow & { i: number }>(
      `SELECT d.i, f.* FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[])
           AS d(i, district, province, at)
         CROSS JOIN LATERAL (
           SELECT ${FACTS} FROM ${this.schema}.events
            WHERE place_pcode IN (d.district, d.province) AND observed_at >= d.at AND NOT withdrawn
              AND type NOT IN ('claim.retracted', 'claim.curator-retracted')) f`,
      [
        places.map((_, i) => i),
        places.map((p) => p.pcode),
        places.map((p) => p.province),
        places.map((p) => (Number.isFinite(p.from) ? iso(p.from) : '-infinity')),
      ],
    );
    for (const row of rows) found[row.i]!.push(storedClaim(row).facts);
    return found;
  }

  /**
   * Store the events a batch applied, with their facts and standing, by COPY: they are new (the
   * engine applies each claim id once, and one consumer applies a partition at a time). `bodies`:
   * by claim id, the message bytes that can be stored as the body as they came (`storedAsIs`);
   * the other events are serialised again.
   */
  async insert(
    events: readonly AppliedEvent[],
    bodies: ReadonlyMap<string, Buffer | null>,
  ): Promise<void> {
    if (events.length === 0) return;
    const copy = new CopyStream(
      this.client,
      `COPY ${this.schema}.events (${EVENT_COLUMNS}) FROM STDIN`,
    );
    const slice = new TimeSlice();
    for (const { facts, logged, withdrawn } of events) {
      addEventRow(copy, facts, logged.event, bodies.get(facts.id), withdrawn);
      if (slice.due) await slice.yield();
    }
    await copy.finish();
  }

  /** Claims a batch withdrew or gave back. */
  async setStandings(standings: readonly { id: string; withdrawn: boolean }[]): Promise<void> {
    if (standings.length === 0) return;
    await this.client.query(
      `UPDATE ${this.schema}.events e SET withdrawn = s.withdrawn
         FROM unnest($1::uuid[], $2::boolean[]) AS s(id, withdrawn) WHERE e.claim_id = s.id`,
      [standings.map((s) => s.id), standings.map((s) => s.withdrawn)],
    );
  }
}
