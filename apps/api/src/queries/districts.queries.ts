import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Gazetteer, provinceSummary } from '@sitrep/domain';
import { CLOCK, Clock, GAZETTEER } from '@sitrep/platform';
import { notFound } from '../http/problem';
import { DistrictDocuments, ReadAt } from './district-documents';
import { ReadModelReader } from './read-model.reader';
import { StatusFilter } from './status-list';
import { TimelineReader } from './timeline.reader';
import { districtView, summaryView } from './views';

export type { ReadAt };

export class GetDistrictQuery {
  constructor(
    readonly pcode: string,
    readonly at: ReadAt,
  ) {}
}
export class ListDistrictsQuery {
  constructor(
    readonly filter: StatusFilter,
    readonly after: string | undefined,
    readonly limit: number,
    readonly at: ReadAt,
  ) {}
}
export class GetProvinceQuery {
  constructor(
    readonly pcode: string,
    readonly at: ReadAt,
  ) {}
}
export class GetDistrictHistoryQuery {
  constructor(
    readonly pcode: string,
    readonly at: ReadAt,
    readonly page: {
      readonly order: 'oldest' | 'newest';
      readonly after: string | undefined;
      readonly limit: number;
    },
  ) {}
}

/** The gazetteer entry of a district, or 404. */
export function districtOr404(gazetteer: Gazetteer, pcode: string) {
  const place = gazetteer.place(pcode);
  if (!place || place.level !== 'district') throw notFound(`district ${pcode}`);
  return place;
}

export const readContext = (clock: Clock, at: ReadAt) => ({
  asOf: at.asOf ?? clock.now().toISOString(),
  axis: at.axis,
});

@QueryHandler(GetDistrictQuery)
export class GetDistrictHandler implements IQueryHandler<GetDistrictQuery> {
  constructor(
    private readonly documents: DistrictDocuments,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at }: GetDistrictQuery) {
    districtOr404(this.gazetteer, pcode);
    const document = await this.documents.document(pcode, at);
    const provenance = await this.documents.provenance(document);
    return districtView(this.gazetteer, document, provenance, readContext(this.clock, at));
  }
}

/** Statuses of districts now (the current state) or as of an instant (the timelines). */
function statuses(
  current: ReadModelReader,
  timelines: TimelineReader,
  filter: StatusFilter,
  after: string | undefined,
  limit: number,
  at: ReadAt,
) {
  return at.asOf
    ? timelines.statusesAt(filter, after, limit, { asOf: at.asOf, axis: at.axis })
    : current.statuses(filter, after, limit);
}

@QueryHandler(ListDistrictsQuery)
export class ListDistrictsHandler implements IQueryHandler<ListDistrictsQuery> {
  constructor(
    private readonly current: ReadModelReader,
    private readonly timelines: TimelineReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ filter, after, limit, at }: ListDistrictsQuery) {
    const rows = (await statuses(this.current, this.timelines, filter, after, limit + 1, at)).map(
      (s) => summaryView(this.gazetteer, s),
    );
    const items = rows.slice(0, limit);
    const more = rows.length > limit;
    return {
      items,
      nextCursor: more ? Buffer.from(items[items.length - 1]!.pcode).toString('base64url') : null,
      ...readContext(this.clock, at),
    };
  }
}

@QueryHandler(GetProvinceQuery)
export class GetProvinceHandler implements IQueryHandler<GetProvinceQuery> {
  constructor(
    private readonly current: ReadModelReader,
    private readonly timelines: TimelineReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at }: GetProvinceQuery) {
    const province = this.gazetteer.place(pcode);
    if (!province || province.level !== 'province') throw notFound(`province ${pcode}`);
    const rows = await statuses(
      this.current,
      this.timelines,
      { province: pcode },
      undefined,
      1000,
      at,
    );
    const summary = provinceSummary(province.pcode, rows);
    return {
      pcode: province.pcode,
      name: province.name,
      districts: summary.districts,
      byStatus: summary.byStatus,
      byController: summary.byController,
      items: rows.map((s) => summaryView(this.gazetteer, s)),
      ...readContext(this.clock, at),
    };
  }
}

@QueryHandler(GetDistrictHistoryQuery)
export class GetDistrictHistoryHandler implements IQueryHandler<GetDistrictHistoryQuery> {
  constructor(
    private readonly timelines: TimelineReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at, page }: GetDistrictHistoryQuery) {
    const district = districtOr404(this.gazetteer, pcode);
    const rows = await this.timelines.history(
      pcode,
      at.axis,
      page.order,
      page.after,
      at.asOf,
      page.limit + 1,
    );
    const changes = rows.slice(0, page.limit);
    const last = changes[changes.length - 1];
    return {
      pcode,
      name: district.name,
      changes,
      order: page.order,
      nextCursor:
        rows.length > page.limit && last ? Buffer.from(last.at).toString('base64url') : null,
      ...readContext(this.clock, at),
    };
  }
}
