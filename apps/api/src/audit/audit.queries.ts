import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ClaimRef, explainDistrict, Gazetteer } from '@sitrep/domain';
import { CLOCK, Clock, GAZETTEER, TOPICS, Topics } from '@sitrep/platform';
import { Readable } from 'node:stream';
import { districtOr404, ReadAt } from '../queries/districts.queries';
import { ReadModelReader } from '../queries/read-model.reader';
import { AuditEvent, AuditEventFilter, AuditEventsReader, LogKey } from './audit-events.reader';

export class ExplainDistrictQuery {
  constructor(
    readonly pcode: string,
    readonly at: ReadAt,
  ) {}
}

export class ListAuditEventsQuery {
  constructor(
    readonly filter: AuditEventFilter,
    readonly after: LogKey | undefined,
    readonly limit: number,
  ) {}
}

export class ExportAuditEventsQuery {
  constructor(readonly filter: AuditEventFilter) {}
}

/** The opaque cursor of an events page: where the page ended in the log. */
export const encodeLogCursor = (key: LogKey): string =>
  Buffer.from(`${key.partition}:${key.offset}`).toString('base64url');

export function decodeLogCursor(cursor: string): LogKey | undefined {
  const match = /^(\d{1,9}):(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { partition: Number(match[1]), offset: Number(match[2]) } : undefined;
}

@QueryHandler(ExplainDistrictQuery)
export class ExplainDistrictHandler implements IQueryHandler<ExplainDistrictQuery> {
  constructor(
    private readonly reader: ReadModelReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at }: ExplainDistrictQuery) {
    const district = districtOr404(this.gazetteer, pcode);
    const province = this.gazetteer.place(district.province)!;
    // The reader applies the axis rules of DECISIONS.md (retractions always count when observed).
    const events = await this.reader.events([district.province], at.asOf, at.axis);
    const x = explainDistrict({ pcode, province: district.province }, events);

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
      asOf: at.asOf ?? this.clock.now().toISOString(),
      axis: at.axis,
    };
  }
}

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery> {
  constructor(private readonly events: AuditEventsReader) {}

  async execute({ filter, after, limit }: ListAuditEventsQuery) {
    const rows = await this.events.page(filter, after, limit + 1);
    const items: AuditEvent[] = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeLogCursor(last) : null,
      filter: {
        province: filter.province ?? null,
        from: filter.from ?? null,
        to: filter.to ?? null,
        axis: filter.axis,
      },
    };
  }
}

@QueryHandler(ExportAuditEventsQuery)
export class ExportAuditEventsHandler implements IQueryHandler<ExportAuditEventsQuery> {
  constructor(private readonly events: AuditEventsReader) {}

  execute({ filter }: ExportAuditEventsQuery): Promise<Readable> {
    return this.events.export(filter);
  }
}
