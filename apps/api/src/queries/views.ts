/** The JSON shapes of the read API, built from domain results. */
import { Axis, DistrictStatus, Gazetteer, Position } from '@sitrep/domain';

export interface ReadContext {
  readonly asOf: string;
  readonly axis: Axis;
}

export function positionView(p: Position) {
  return {
    claimant: p.claimant,
    kind: p.kind,
    actor: p.actor,
    observedAt: p.observedAt,
    precision: p.precision,
    claimIds: p.claimIds,
    disputed: p.disputed,
    disputedBy: p.disputedBy,
    corroboratedBy: p.corroboratedBy,
    provenance: p.provenance.map((v) => ({
      claimId: v.claimId,
      reportId: v.reportId,
      place: v.placePcode,
      observedAt: v.observedAt,
      recordedAt: v.recordedAt,
      source: v.source,
      ...(v.speaker !== undefined && { speaker: v.speaker }),
      ...(v.credibility !== undefined && { credibility: v.credibility }),
      ...(v.quote !== undefined && { quote: v.quote }),
    })),
  };
}

export function districtView(gazetteer: Gazetteer, status: DistrictStatus, context: ReadContext) {
  const district = gazetteer.place(status.pcode)!;
  const province = gazetteer.place(district.province)!;
  return {
    pcode: district.pcode,
    name: district.name,
    province: { pcode: province.pcode, name: province.name },
    status: status.status,
    controller: status.controller,
    verification: status.verification,
    positions: status.positions.map(positionView),
    ...context,
  };
}

export function summaryView(
  gazetteer: Gazetteer,
  status: Pick<DistrictStatus, 'pcode' | 'status' | 'controller' | 'verification'>,
) {
  const district = gazetteer.place(status.pcode)!;
  return {
    pcode: district.pcode,
    name: district.name,
    province: district.province,
    status: status.status,
    controller: status.controller,
    verification: status.verification,
  };
}
