/**
 * A district's history by the reference rules: each change of its status, controller or
 * verification on an axis, recomputed from scratch at every instant (quadratic, for tests and
 * audits of the projection, which materialises the same history as timelines).
 *
 * Instants (docs/DECISIONS.md): on the `recorded` axis, the recordedAt of every event bearing on
 * the district; on the `observed` axis, the observedAt of every claim bearing on it that is not
 * withdrawn (a retraction applies whatever its own observedAt, so it has no instant of its own).
 * Events at the same instant land together, credited to the last of them in log order.
 */
import { ClaimEvent, compareLogPosition, LoggedEvent, targetClaimId } from './events';
import { Gazetteer } from './gazetteer';
import {
  Axis,
  DistrictRef,
  districtStatus,
  DistrictStatusName,
  firstOfEachClaim,
  retractedClaimIds,
  Verification,
  visibleAt,
} from './status';

/** The districts an event bears on: its place's, and its target's. */
export function districtsTouchedBy(
  event: ClaimEvent,
  lookup: (claimId: string) => ClaimEvent | undefined,
  gazetteer: Gazetteer,
): readonly string[] {
  const targetId = targetClaimId(event);
  const target = targetId === undefined ? undefined : lookup(targetId);
  const own = gazetteer.districtsCoveredBy(event.place.pcode);
  const blanket =
    event.type === 'claim.disputed' && !('claimId' in event.data.target)
      ? event.data.target.place
      : undefined;
  const other = target?.place.pcode ?? blanket;
  if (other === undefined || other === event.place.pcode) return own;
  return [...new Set([...own, ...gazetteer.districtsCoveredBy(other)])];
}

export interface StatusChange {
  /** The instant on the chosen axis at which the change took effect. */
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

const isRetraction = (e: ClaimEvent) =>
  e.type === 'claim.retracted' || e.type === 'claim.curator-retracted';

/** Each change of a district's status, controller or verification, in the order of the axis. */
export function districtHistory(
  district: DistrictRef,
  events: readonly LoggedEvent[],
  gazetteer: Gazetteer,
  axis: Axis = 'recorded',
): StatusChange[] {
  const unique = firstOfEachClaim(events).sort((a, b) =>
    compareLogPosition(a.position, b.position),
  );
  const byId = new Map(unique.map((e) => [e.event.id, e.event]));
  const withdrawn = retractedClaimIds(unique);
  const instantOf = (e: LoggedEvent) =>
    Date.parse(axis === 'recorded' ? e.event.recordedAt : e.event.observedAt);
  const relevant = unique.filter(
    (e) =>
      (axis === 'recorded' || (!isRetraction(e.event) && !withdrawn.has(e.event.id))) &&
      districtsTouchedBy(e.event, (id) => byId.get(id), gazetteer).includes(district.pcode),
  );
  // The last event of each instant, in log order.
  const causes = new Map<number, LoggedEvent>();
  for (const e of relevant) causes.set(instantOf(e), e);

  const changes: StatusChange[] = [];
  let previous = districtStatus(district, []);
  for (const [instant, { event }] of [...causes].sort(([a], [b]) => a - b)) {
    const at = new Date(instant).toISOString();
    const current = districtStatus(district, visibleAt(unique, at, axis));
    if (
      current.status !== previous.status ||
      current.controller !== previous.controller ||
      current.verification !== previous.verification
    ) {
      changes.push({
        at,
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
