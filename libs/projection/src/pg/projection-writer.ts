/**
 * The live projector's sink: a batch's effects written set-based into a read-model version, in
 * the caller's transaction (with the checkpoint, so that effects are exactly once).
 */
import { PoolClient } from 'pg';
import { BatchEffects } from '../projection-effects';
import { ActorsRepository } from './actors.repository';
import { DistrictStatusRepository } from './district-status.repository';
import { EventsRepository } from './events.repository';
import { TimelinesRepository } from './timelines.repository';

export async function writeEffects(
  client: PoolClient,
  schema: string,
  effects: BatchEffects,
  /** By claim id, message bytes stored as the body as they came (EventsRepository.insert). */
  bodies: ReadonlyMap<string, Buffer | null>,
  updatedAt: string,
): Promise<void> {
  const events = new EventsRepository(client, schema);
  await events.insert(effects.applied, bodies);
  await events.setStandings(effects.standings);
  await new ActorsRepository(client, schema).add(actorsNamed(effects));
  await new DistrictStatusRepository(client, schema).save(effects.states, updatedAt);
  const timelines = new TimelinesRepository(client, schema);
  await timelines.writeRecorded(
    effects.recorded.statuses,
    effects.recorded.positions,
    effects.recorded.continued,
  );
}

/** The claimants and the actors a batch's claims name (with repeats). */
function* actorsNamed(effects: BatchEffects): Generator<string> {
  for (const { facts } of effects.applied) {
    yield facts.claimant;
    if (facts.actor) yield facts.actor;
  }
}
