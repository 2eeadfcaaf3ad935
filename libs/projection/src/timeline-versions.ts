/**
 * A district's state settled at an instant on an axis: the positions and the status that changed
 * become versions of its timelines (the recorded fold and the observed fold both end here).
 */
import { DistrictState, LineNeed, positionRecordText } from '@sitrep/domain';
import { PositionVersion, StatusVersion, Timeline } from './projection-effects';

/** Settle a state at an instant: its changes become versions on the axis. */
export function settleVersions(
  state: DistrictState,
  axis: 'recorded' | 'observed',
  from: number,
  cause: string,
  timeline: Timeline,
  needs: LineNeed[],
): void {
  const settled = state.settle();
  if (settled.needs.length > 0) {
    needs.push(...settled.needs);
    return;
  }
  const district = state.district.pcode;
  for (const { claimant, position, row } of settled.positions) {
    if (row === 'none') continue; // the lane's timeline has it
    const own = row === 'own' && position !== null;
    const version: PositionVersion = {
      district,
      claimant,
      axis,
      from,
      kind: own ? position.kind : null,
      actor: own ? position.actor : null,
      record: own ? positionRecordText(state, claimant, axis === 'observed') : null,
      cause,
    };
    timeline.positions.push(version);
  }
  if (settled.headline) {
    const d = state.decision;
    const version: StatusVersion = {
      district,
      axis,
      from,
      status: d.status,
      controller: d.controller,
      verification: d.verification,
      cause,
    };
    timeline.statuses.push(version);
  }
}
