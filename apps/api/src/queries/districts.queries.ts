import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Axis, districtHistory, districtStatus, Gazetteer, provinceSummary } from '@sitrep/domain';
import { CLOCK, Clock, GAZETTEER } from '@sitrep/platform';
import { notFound } from '../http/problem';
import { ReadModelReader, StatusFilter } from './read-model.reader';
import { StatusAsOf } from './status.source';
import { districtView, summaryView } from './views';

export interface ReadAt {
  readonly asOf?: string;
  readonly axis: Axis;
}

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
  ) {}
}

/** The gazetteer entry of a district, or 404. */
export function districtOr404(gazetteer: Gazetteer, pcode: string) {
  const place = gazetteer.place(pcode);
  if (!place || place.level !== 'district') throw notFound(`district ${pcode}`);
  return place;
}

const context = (clock: Clock, at: ReadAt) => ({
  asOf: at.asOf ?? clock.now().toISOString(),
  axis: at.axis,
});

@QueryHandler(GetDistrictQuery)
export class GetDistrictHandler implements IQueryHandler<GetDistrictQuery> {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly asOf: StatusAsOf,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at }: GetDistrictQuery) {
    const district = districtOr404(this.gazetteer, pcode);
    const status = at.asOf
      ? (await this.asOf.ofProvinces([district.province], at.asOf, at.axis)).find(
          (s) => s.pcode === pcode,
        )!
      : ((await this.reader.status(pcode)) ??
        districtStatus({ pcode, province: district.province }, []));
    return districtView(this.gazetteer, status, context(this.clock, at));
  }
}

@QueryHandler(ListDistrictsQuery)
export class ListDistrictsHandler implements IQueryHandler<ListDistrictsQuery> {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly asOf: StatusAsOf,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ filter, after, limit, at }: ListDistrictsQuery) {
    let rows;
    if (at.asOf) {
      const all = await this.asOf.ofProvinces(
        filter.province ? [filter.province] : undefined,
        at.asOf,
        at.axis,
      );
      rows = all
        .filter(
          (s) =>
            (!filter.status || s.status === filter.status) &&
            (!filter.controller || s.controller === filter.controller) &&
            (!after || s.pcode > after),
        )
        .slice(0, limit + 1)
        .map((s) => summaryView(this.gazetteer, s));
    } else {
      rows = (await this.reader.statuses(filter, after, limit + 1)).map((s) =>
        summaryView(this.gazetteer, s),
      );
    }
    const items = rows.slice(0, limit);
    const more = rows.length > limit;
    return {
      items,
      nextCursor: more ? Buffer.from(items[items.length - 1]!.pcode).toString('base64url') : null,
      ...context(this.clock, at),
    };
  }
}

@QueryHandler(GetProvinceQuery)
export class GetProvinceHandler implements IQueryHandler<GetProvinceQuery> {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly asOf: StatusAsOf,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at }: GetProvinceQuery) {
    const province = this.gazetteer.place(pcode);
    if (!province || province.level !== 'province') throw notFound(`province ${pcode}`);
    const statuses = at.asOf
      ? await this.asOf.ofProvinces([pcode], at.asOf, at.axis)
      : await this.reader.statuses({ province: pcode }, undefined, 1000);
    const summary = provinceSummary(province.pcode, statuses);
    return {
      pcode: province.pcode,
      name: province.name,
      districts: summary.districts,
      byStatus: summary.byStatus,
      byController: summary.byController,
      items: statuses.map((s) => summaryView(this.gazetteer, s)),
      ...context(this.clock, at),
    };
  }
}

@QueryHandler(GetDistrictHistoryQuery)
export class GetDistrictHistoryHandler implements IQueryHandler<GetDistrictHistoryQuery> {
  constructor(
    private readonly reader: ReadModelReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ pcode, at }: GetDistrictHistoryQuery) {
    const district = districtOr404(this.gazetteer, pcode);
    const events = await this.reader.events([district.province], at.asOf, at.axis);
    const changes = districtHistory(
      { pcode, province: district.province },
      events,
      this.gazetteer,
      at.axis,
    );
    return { pcode, name: district.name, changes, ...context(this.clock, at) };
  }
}
