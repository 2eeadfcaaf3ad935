import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Gazetteer } from '@sitrep/domain';
import { GAZETTEER } from '@sitrep/platform';
import { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { RequireScope } from '../auth/scopes';
import { invalidRequest } from '../http/problem';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { pathOr404 } from '../http/path-params';
import { parseOrThrow } from '../http/validation';
import { auditDocs } from './audit.docs';
import { eventsQuery, explainParams, explainQuery } from './audit.requests';
import { ApiAfterToken } from '../consistency/after-token.doc';
import { decodeLogCursor, ExportAuditEventsQuery, ListAuditEventsQuery } from './audit.queries';
import { decodePlaceCursor, ExplainDistrictQuery } from './explain-district.query';

export const NDJSON = 'application/x-ndjson';

/**
 * Does the request prefer NDJSON? Yes when `Accept` lists `application/x-ndjson` with a weight at
 * least that of JSON (`application/json`, `application/*`, `* /*`).
 */
export function wantsNdjson(accept: string | undefined): boolean {
  if (!accept) return false;
  let ndjson = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(weight)) continue;
    if (type === NDJSON) ndjson = Math.max(ndjson, weight);
    else if (type === 'application/json' || type === 'application/*' || type === '*/*')
      json = Math.max(json, weight);
  }
  return ndjson > 0 && ndjson >= json;
}

const badCursor = () =>
  invalidRequest('the query does not match the schema', [
    {
      path: 'cursor',
      message: 'cursor is not one this API gave out; use nextCursor from the previous page',
    },
  ]);

const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

@ApiTags('audit')
@RequireScope('audit')
@ApiAfterToken()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
  ) {}

  /** The derivation of a district's status, rule by rule (DESIGN.md "Status of a district"). */
  @Get('districts/:pcode/explain')
  @ApiDoc(auditDocs.explain)
  explain(@Param('pcode') code: string, @Query() query: unknown) {
    const pcode = pathOr404(explainParams.shape.pcode, code, 'district').toUpperCase();
    const q = parseOrThrow(explainQuery, query, 'query');
    const after = q.cursor === undefined ? undefined : decodePlaceCursor(q.cursor);
    if (q.cursor !== undefined && !after) throw badCursor();
    return this.queries.execute(
      new ExplainDistrictQuery(pcode, { asOf: q.asOf, axis: q.axis }, { after, limit: q.limit }),
    );
  }

  /**
   * Raw events of the live read model in log order, keyset-paginated; with
   * `Accept: application/x-ndjson`, every matching event streamed as NDJSON.
   */
  @Get('events')
  @ApiDoc(auditDocs.events)
  async events(
    @Query() query: unknown,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const q = parseOrThrow(eventsQuery, query, 'query');
    if (q.province !== undefined && this.gazetteer.place(q.province)?.level !== 'province') {
      throw invalidRequest('the query does not match the schema', [
        { path: 'province', message: `${q.province} is not a province of the gazetteer` },
      ]);
    }
    const filter = { province: q.province, from: iso(q.from), to: iso(q.to), axis: q.axis };

    if (wantsNdjson(accept)) {
      const paging = (['limit', 'cursor'] as const).filter((k) => q[k] !== undefined);
      if (paging.length > 0) {
        throw invalidRequest(
          'an NDJSON export streams every matching event: limit and cursor page JSON answers only',
          paging.map((path) => ({
            path,
            message: 'not accepted with Accept: application/x-ndjson',
          })),
        );
      }
      const stream = await this.queries.execute<ExportAuditEventsQuery, Readable>(
        new ExportAuditEventsQuery(filter),
      );
      void reply.header('content-type', NDJSON).header('cache-control', 'no-store');
      return stream;
    }

    const after = q.cursor === undefined ? undefined : decodeLogCursor(q.cursor);
    if (q.cursor !== undefined && !after) throw badCursor();
    return this.queries.execute(new ListAuditEventsQuery(filter, after, q.limit ?? 100));
  }
}
