/** The JSON shapes of the read API, built from domain results. */
import {
  Axis,
  DistrictStatus,
  Gazetteer,
  LineRecord,
  PositionCore,
  positionFromRecord,
  Provenance,
} from '@sitrep/domain';

export interface ReadContext {
  readonly asOf: string;
  readonly axis: Axis;
}

/** A district's document: its status and the positions held on it (rules 1–6). */
export interface DistrictDocument {
  readonly pcode: string;
  readonly status: DistrictStatus['status'];
  readonly controller: string | null;
  readonly verification: DistrictStatus['verification'];
  readonly positions: readonly PositionCore[];
}

/** The positions of timeline records, in the order `districtStatus` lists them. */
export function positionsOfRecords(
  gazetteer: Gazetteer,
  pcode: string,
  records: readonly LineRecord[],
): PositionCore[] {
  const district = { pcode, province: gazetteer.place(pcode)!.province };
  return records
    .map((r) => positionFromRecord(r, district))
    .sort((a, b) => a.claimant.localeCompare(b.claimant));
}

/** The claim ids whose provenance a document shows. */
export const runClaimIds = (positions: readonly PositionCore[]): string[] =>
  positions.flatMap((p) => p.claimIds);

export function positionView(p: PositionCore, provenance: ReadonlyMap<string, Provenance>) {
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
    provenance: p.claimIds.flatMap((id) => {
      const v = provenance.get(id);
      return v
        ? [
            {
              claimId: v.claimId,
              reportId: v.reportId,
              place: v.placePcode,
              observedAt: v.observedAt,
              recordedAt: v.recordedAt,
              source: v.source,
              ...(v.speaker !== undefined && { speaker: v.speaker }),
              ...(v.credibility !== undefined && { credibility: v.credibility }),
              ...(v.quote !== undefined && { quote: v.quote }),
            },
          ]
        : [];
    }),
  };
}

export function districtView(
  gazetteer: Gazetteer,
  document: DistrictDocument,
  provenance: ReadonlyMap<string, Provenance>,
  context: ReadContext,
) {
  const district = gazetteer.place(document.pcode)!;
  const province = gazetteer.place(district.province)!;
  return {
    pcode: district.pcode,
    name: district.name,
    province: { pcode: province.pcode, name: province.name },
    status: document.status,
    controller: document.controller,
    verification: document.verification,
    positions: document.positions.map((p) => positionView(p, provenance)),
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
