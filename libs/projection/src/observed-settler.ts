/**
 * Rewrites the observed timelines that batches left pending (`observed_pending`), each district
 * once from the earliest instant any batch changed: a stream of late events costs one rewrite of a
 * district per round, not one per batch. The live projector runs it when it is idle, and while it
 * catches up a bounded round at most every 15 s (settler-pacing.ts); a replay before it switches.
 */
import { Gazetteer } from '@sitrep/domain';
import { inTransaction } from '@sitrep/platform';
import { Pool, PoolClient } from 'pg';
import { DistrictChangesRepository } from './pg/district-changes.repository';
import { ObservedPendingRepository } from './pg/observed-pending.repository';
import { PgProjectionStore } from './pg/pg-projection-store';
import { TimelinesRepository } from './pg/timelines.repository';
import { ProjectionEngine } from './projection-engine';

/**
 * Rewrite up to `limit` pending districts of a version, in the caller's transaction. Another
 * settler of the version at work makes it return 0 at once, or (`wait`) wait for it.
 */
export async function settleObserved(
  client: PoolClient,
  schema: string,
  gazetteer: Gazetteer,
  limit: number,
  wait = false,
): Promise<number> {
  const pending = new ObservedPendingRepository(client, schema);
  if (!(await pending.lockRewrites(wait))) return 0;
  const taken = await pending.take(limit);
  if (taken.length === 0) return 0;
  // A district restores the positions its province's lane holds from the lane's observed rows
  // (pg/timelines.repository.ts, observedBefore), so it is rewritten from no later than the lane's
  // earliest pending change: lane rows from there on may be rewritten in this very round (all
  // states are read before any is written) or a later one, and the district would keep what it
  // restored from the rows they replace. Its rewrite reads the province's claims since from the
  // log itself.
  const laneOf = (place: string) => {
    const province = gazetteer.place(place)?.province;
    return province !== undefined && province !== place ? province : undefined;
  };
  const lanes = await pending.earliest([
    ...new Set(taken.flatMap((t) => laneOf(t.district) ?? [])),
  ]);
  const due = taken.map((t) => {
    const lane = lanes.get(laneOf(t.district) ?? '');
    return lane !== undefined && lane < t.from ? { ...t, from: lane } : t;
  });
  const engine = new ProjectionEngine(gazetteer);
  const store = new PgProjectionStore(client, schema, gazetteer);
  const rewrites = await engine.rewriteObserved(store, due);
  await new TimelinesRepository(client, schema).rewriteObserved(rewrites);
  await pending.clear(due);
  // Reads waiting for a consistency token wait for these rewrites too: wake them on commit.
  await new DistrictChangesRepository(client, schema).announce();
  return due.length;
}

export class ObservedSettler {
  constructor(
    private readonly deps: {
      readonly pool: Pool;
      readonly gazetteer: Gazetteer;
      /** The version to settle, read in the transaction (the live one is locked FOR SHARE). */
      readonly schema: (client: PoolClient) => Promise<string>;
    },
  ) {}

  /** One round: up to `limit` districts in one transaction; how many it rewrote. */
  settle(limit = 50): Promise<number> {
    return inTransaction(this.deps.pool, async (client) =>
      settleObserved(client, await this.deps.schema(client), this.deps.gazetteer, limit),
    );
  }
}
