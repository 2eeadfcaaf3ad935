/**
 * The fold: a province's ledger of claim events, evolved batch by batch, from which the status of
 * each of its districts and their history are derived. Every event about a province and its
 * districts shares one Kafka partition, so a province's ledger is complete in log order.
 */
import { ClaimEvent, compareLogPosition, LoggedEvent, targetClaimId } from './events';
import { Gazetteer } from './gazetteer';
import {
  Axis,
  DistrictRef,
  DistrictStatus,
  districtStatus,
  DistrictStatusName,
  Verification,
  visibleAt,
} from './status';

export interface ProvinceLedger {
  readonly province: string;
  readonly events: ReadonlyMap<string, LoggedEvent>;
}

export const emptyLedger = (province: string): ProvinceLedger => ({ province, events: new Map() });

export interface Evolution {
  readonly ledger: ProvinceLedger;
  /** Events new to the ledger (a claim id already present is a harmless duplicate). */
  readonly applied: readonly LoggedEvent[];
  /** Districts whose status may have changed. */
  readonly affected: ReadonlySet<string>;
}

/** The districts an event bears on: its place's, and its target's. */
export function districtsTouchedBy(
  event: ClaimEvent,
  lookup: (claimId: string) => ClaimEvent | undefined,
  gazetteer: Gazetteer,
): readonly string[] {
  const targetId = targetClaimId(event);
  const target = targetId === undefined ? undefined : lookup(targetId);
  const own = gazetteer.districtsCoveredBy(event.place.pcode);
  if (!target || target.place.pcode === event.place.pcode) return own;
  return [...new Set([...own, ...gazetteer.districtsCoveredBy(target.place.pcode)])];
}

/** Apply one batch (in log order) to a province's ledger. Pure: the input ledger is untouched. */
export function evolve(
  ledger: ProvinceLedger,
  batch: readonly LoggedEvent[],
  gazetteer: Gazetteer,
): Evolution {
  const events = new Map(ledger.events);
  const applied: LoggedEvent[] = [];
  const affected = new Set<string>();
  for (const logged of batch) {
    if (events.has(logged.event.id)) continue;
    events.set(logged.event.id, logged);
    applied.push(logged);
    const touched = districtsTouchedBy(logged.event, (id) => events.get(id)?.event, gazetteer);
    for (const district of touched) affected.add(district);
  }
  return { ledger: { province: ledger.province, events }, applied, affected };
}

/** The events of a ledger that bear on one district (its own and its province's). */
export function eventsOf(ledger: ProvinceLedger): LoggedEvent[] {
  return [...ledger.events.values()];
}

export function statusAsOf(
  district: DistrictRef,
  events: readonly LoggedEvent[],
  asOf?: string,
  axis: Axis = 'recorded',
): DistrictStatus {
  return districtStatus(district, visibleAt(events, asOf, axis));
}

export interface StatusChange {
  /** The time on the chosen axis at which the change took effect. */
  readonly at: string;
  readonly status: DistrictStatusName;
  readonly controller: string | null;
  readonly verification: Verification;
  /** The claim whose arrival (or observation) caused the change. */
  readonly causedBy: {
    readonly claimId: string;
    readonly reportId: string;
    readonly type: ClaimEvent['type'];
    readonly claimant: string;
  };
}

/**
 * Each change of a district's status, controller or verification, in the order of the axis:
 * `recorded` tells what the system said over time; `observed` what happened by all known now.
 */
export function districtHistory(
  district: DistrictRef,
  events: readonly LoggedEvent[],
  gazetteer: Gazetteer,
  axis: Axis = 'recorded',
): StatusChange[] {
  const clock = (e: LoggedEvent) =>
    Date.parse(axis === 'recorded' ? e.event.recordedAt : e.event.observedAt);
  const byId = new Map(events.map((e) => [e.event.id, e.event]));
  const relevant = events
    .filter((e) =>
      districtsTouchedBy(e.event, (id) => byId.get(id), gazetteer).includes(district.pcode),
    )
    .sort((a, b) => clock(a) - clock(b) || compareLogPosition(a.position, b.position));

  const changes: StatusChange[] = [];
  let previous = districtStatus(district, []);
  const known: LoggedEvent[] = [];
  for (let i = 0; i < relevant.length; i++) {
    const logged = relevant[i]!;
    known.push(logged);
    const next = relevant[i + 1];
    if (next && clock(next) === clock(logged)) continue; // events at one instant land together
    const current = districtStatus(district, known);
    if (
      current.status !== previous.status ||
      current.controller !== previous.controller ||
      current.verification !== previous.verification
    ) {
      const { event } = logged;
      changes.push({
        at: axis === 'recorded' ? event.recordedAt : event.observedAt,
        status: current.status,
        controller: current.controller,
        verification: current.verification,
        causedBy: {
          claimId: event.id,
          reportId: event.reportId,
          type: event.type,
          claimant: event.claimant,
        },
      });
    }
    previous = current;
  }
  return changes;
}

/** Why an event cannot be placed on any district of the gazetteer, if it cannot. */
export function placeProblem(event: ClaimEvent, gazetteer: Gazetteer): string | undefined {
  const place = gazetteer.place(event.place.pcode);
  if (!place) return `unknown place ${event.place.pcode}`;
  if (place.province !== event.place.province) {
    return `place ${event.place.pcode} is not in province ${event.place.province}`;
  }
  return undefined;
}
