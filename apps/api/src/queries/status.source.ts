import { Inject, Injectable } from '@nestjs/common';
import { Axis, DistrictStatus, districtStatus, Gazetteer } from '@sitrep/domain';
import { GAZETTEER } from '@sitrep/platform';
import { ReadModelReader } from './read-model.reader';

/**
 * Status as of a past moment, derived with the same pure function the projector uses from the
 * events visible then. Current reads come straight from the read-model tables instead.
 */
@Injectable()
export class StatusAsOf {
  constructor(
    private readonly reader: ReadModelReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
  ) {}

  /** The status of every district of `provinces` (all provinces when omitted), in p-code order. */
  async ofProvinces(
    provinces: readonly string[] | undefined,
    asOf: string,
    axis: Axis,
  ): Promise<DistrictStatus[]> {
    const events = await this.reader.events(provinces, asOf, axis);
    const byProvince = new Map<string, typeof events>();
    for (const e of events)
      byProvince.set(e.event.place.province, [
        ...(byProvince.get(e.event.place.province) ?? []),
        e,
      ]);
    const scope = provinces ?? this.gazetteer.provinces.map((p) => p.pcode);
    return scope
      .flatMap((province) =>
        this.gazetteer.districtsCoveredBy(province).map((pcode) => ({ pcode, province })),
      )
      .sort((a, b) => a.pcode.localeCompare(b.pcode))
      .map((ref) => districtStatus(ref, byProvince.get(ref.province) ?? []));
  }
}
