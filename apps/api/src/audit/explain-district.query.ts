/**
 * GET /v1/audit/districts/{pcode}/explain: the derivation of a district's status, rule by rule,
 * as of a moment on an axis. Bounded whatever the size of the log: the positions come from the
 * read model (their runs summarised), and the claims bearing on the district are placed a page
 * at a time (counted, withdrawn, or why not counted), in observed order.
 */
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  ClaimRef,
  EVIDENCE_SHOWN,
  explainStatus,
  Gazetteer,
  LoggedEvent,
  retractedClaimIds,
  RUN_SHOWN,
  targetClaimId,
  visibleAt,
} from '@sitrep/domain';
import { CLOCK, Clock, GAZETTEER, TOPICS, Topics } from '@sitrep/platform';
import { ClaimsReader, PlaceCursor } from '../queries/claims.reader';
import { DistrictDocuments, ReadAt } from '../queries/district-documents';
import { districtOr404, readContext } from '../queries/districts.queries';

export class ExplainDistrictQuery {
  constructor(
    readonly pcode: string,
    readonly at: ReadAt,
    readonly page: { readonly after: PlaceCursor | undefined; readonly limit: number },
  ) {}
}

export const encodePlaceCursor = (c: PlaceCursor): string =>
  Buffer.from(`${c.observedAt}|${c.partition}|${c.offset}`).toString('base64url');

export function decodePlaceCursor(cursor: string): PlaceCursor | undefined {
  const match = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|(\d{1,9})\|(\d{1,18})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match || Number.isNaN(Date.parse(match[1]!))) return undefined;
  return { observedAt: match[1]!, partition: Number(match[2]), offset: Number(match[3]) };
}

@QueryHandler(ExplainDistrictQuery)
export class ExplainDistrictHandler implements IQueryHandler<ExplainDistrictQuery> {
  constructor(
    private readonly documents: DistrictDocuments,
    private readonly claims: ClaimsReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at, page }: ExplainDistrictQuery) {
    const district = districtOr404(this.gazetteer, pcode);
    const province = this.gazetteer.place(district.province)!;
    const ref = { pcode, province: district.province };
    const visible = (events: readonly LoggedEvent[]) => visibleAt(events, at.asOf, at.axis);

    // The document and the page of claims are independent reads: both at once.
    const [status, page1] = await Promise.all([
      this.documents.document(pcode, at),
      this.claims.aboutPlaces([pcode, district.province], at, page.after, page.limit + 1),
    ]);
    const candidates = page1.slice(0, page.limit);
    // The claims the explanation names, the candidates' targets, and the retractions of both.
    const named = status.positions.flatMap((p) => [
      ...p.claimIds.slice(0, RUN_SHOWN),
      ...p.disputes.slice(0, EVIDENCE_SHOWN).map((d) => d.claimId),
      ...p.corroborations.slice(0, EVIDENCE_SHOWN).map((c) => c.claimId),
    ]);
    const known = new Set(candidates.map((c) => c.event.id));
    const wanted = [
      ...new Set([
        ...named,
        ...candidates.flatMap((c) => {
          const target = targetClaimId(c.event);
          return target === undefined ? [] : [target];
        }),
      ]),
    ].filter((id) => !known.has(id));
    const loaded = visible(await this.claims.events(wanted));
    const around = [...candidates, ...loaded];
    const retractions = visible(await this.claims.targeting(around.map((e) => e.event.id)));
    const undone = visible(await this.claims.targeting(retractions.map((e) => e.event.id)));
    const byId = new Map([...around, ...retractions, ...undone].map((e) => [e.event.id, e]));

    const x = explainStatus({
      district: ref,
      status,
      candidates,
      byId,
      retracted: retractedClaimIds([...byId.values()]),
    });
    const last = candidates[candidates.length - 1];
    const claim = <T extends ClaimRef>(c: T) => ({
      ...c,
      place: { ...c.place, name: this.gazetteer.place(c.place.pcode)?.name ?? null },
      logPosition: { topic: this.topics.claims, ...c.logPosition },
    });
    return {
      pcode: district.pcode,
      name: district.name,
      province: { pcode: province.pcode, name: province.name },
      status: x.status,
      controller: x.controller,
      verification: x.verification,
      decidedBy: x.decidedBy,
      positions: x.positions.map((p) => ({
        ...p,
        run: p.run.map(claim),
        disputes: p.disputes.map(claim),
        corroborations: p.corroborations.map(claim),
      })),
      retractions: x.retractions.map(claim),
      notCounted: x.notCounted.map((n) => ({
        ...claim(n),
        ...(n.retractedBy && { retractedBy: n.retractedBy.map(claim) }),
      })),
      narrative: x.narrative,
      nextCursor:
        page1.length > page.limit && last
          ? encodePlaceCursor({
              observedAt: new Date(last.event.observedAt).toISOString(),
              partition: last.position.partition,
              offset: last.position.offset,
            })
          : null,
      ...readContext(this.clock, at),
    };
  }
}
