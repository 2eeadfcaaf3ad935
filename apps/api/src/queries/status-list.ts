/**
 * The district list (p-code order, keyset-paged, filtered) over a source of statuses: the current
 * rows (`district_status`) or each district's version at an instant (`status_timeline`). One
 * statement for both readers, parameterised.
 */
import { DistrictStatus } from '@sitrep/domain';
import { QueryConfig } from 'pg';

export interface StatusRow {
  readonly pcode: string;
  readonly name: string;
  readonly province: string;
  readonly status: DistrictStatus['status'];
  readonly controller: string | null;
  readonly verification: DistrictStatus['verification'];
}

export interface StatusFilter {
  readonly province?: string;
  readonly status?: string;
  readonly controller?: string;
}

/**
 * `source` joins the statuses to `districts d` as `s` (a district without one is unclaimed); its
 * own parameters (`sourceParams`) are $6 on.
 */
export function statusListQuery(
  source: string,
  filter: StatusFilter,
  after: string | undefined,
  limit: number,
  sourceParams: readonly unknown[] = [],
): QueryConfig {
  return {
    text: `SELECT d.pcode, d.name, d.province_pcode AS province, COALESCE(s.status, 'unclaimed') AS status,
                  s.controller, COALESCE(s.verification, 'none') AS verification
             FROM districts d ${source}
            WHERE ($1::text IS NULL OR d.province_pcode = $1)
              AND ($2::text IS NULL OR COALESCE(s.status, 'unclaimed') = $2)
              AND ($3::text IS NULL OR s.controller = $3)
              AND ($4::text IS NULL OR d.pcode > $4)
            ORDER BY d.pcode LIMIT $5`,
    values: [
      filter.province ?? null,
      filter.status ?? null,
      filter.controller ?? null,
      after ?? null,
      limit,
      ...sourceParams,
    ],
  };
}
