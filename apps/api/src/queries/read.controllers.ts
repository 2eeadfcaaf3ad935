import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { invalidRequest } from '../http/problem';
import { districtPcode, pathOr404, provincePcode } from '../http/path-params';
import { parseOrThrow } from '../http/validation';
import { ApiAfterToken } from '../consistency/after-token.doc';
import { GetActorQuery, GetClaimQuery, ResolvePlaceQuery } from './actors-claims.queries';
import {
  GetDistrictHistoryQuery,
  GetDistrictQuery,
  GetProvinceQuery,
  ListDistrictsQuery,
} from './districts.queries';
import { readDocs } from './read.docs';
import {
  actorParams,
  claimParams,
  historyQuery,
  listQuery,
  readAt,
  resolveQuery,
  timespanQuery,
} from './read.requests';
import { GetTimespanQuery } from './timespan.query';

const district = (code: string) => pathOr404(districtPcode, code, 'district').toUpperCase();
const decodeCursor = (cursor: string | undefined) => {
  if (cursor === undefined) return undefined;
  const pcodeAfter = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^AF\d{4}$/.test(pcodeAfter)) {
    throw invalidRequest(
      'cursor is not one this API gave out; use nextCursor from the previous page',
    );
  }
  return pcodeAfter;
};

const decodeInstantCursor = (cursor: string | undefined) => {
  if (cursor === undefined) return undefined;
  const at = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(at) || Number.isNaN(Date.parse(at))) {
    throw invalidRequest(
      'cursor is not one this API gave out; use nextCursor from the previous page',
    );
  }
  return at;
};

@ApiTags('read')
@RequireScope('read')
@ApiAfterToken()
@Controller('v1')
export class ReadController {
  constructor(private readonly queries: QueryBus) {}

  @Get('districts/:pcode')
  @ApiDoc(readDocs.district)
  district(@Param('pcode') code: string, @Query() query: unknown) {
    return this.queries.execute(
      new GetDistrictQuery(district(code), parseOrThrow(readAt, query, 'query')),
    );
  }

  @Get('districts/:pcode/history')
  @ApiDoc(readDocs.history)
  history(@Param('pcode') code: string, @Query() query: unknown) {
    const q = parseOrThrow(historyQuery, query, 'query');
    return this.queries.execute(
      new GetDistrictHistoryQuery(
        district(code),
        { asOf: q.asOf, axis: q.axis },
        { order: q.order, after: decodeInstantCursor(q.cursor), limit: q.limit },
      ),
    );
  }

  @Get('districts')
  @ApiDoc(readDocs.districts)
  districts(@Query() query: unknown) {
    const q = parseOrThrow(listQuery, query, 'query');
    return this.queries.execute(
      new ListDistrictsQuery(
        { province: q.province, status: q.status, controller: q.controller },
        decodeCursor(q.cursor),
        q.limit,
        {
          asOf: q.asOf,
          axis: q.axis,
        },
      ),
    );
  }

  @Get('provinces/:pcode')
  @ApiDoc(readDocs.province)
  province(@Param('pcode') code: string, @Query() query: unknown) {
    return this.queries.execute(
      new GetProvinceQuery(
        pathOr404(provincePcode, code, 'province').toUpperCase(),
        parseOrThrow(readAt, query, 'query'),
      ),
    );
  }

  @Get('actors/:actor')
  @ApiDoc(readDocs.actor)
  actor(@Param('actor') actor: string, @Query() query: unknown) {
    pathOr404(actorParams.shape.actor, actor, 'actor');
    return this.queries.execute(new GetActorQuery(actor, parseOrThrow(readAt, query, 'query')));
  }

  @Get('claims/:claimId')
  @ApiDoc(readDocs.claim)
  claim(@Param('claimId') claimId: string, @Query() query: unknown) {
    pathOr404(claimParams.shape.claimId, claimId, 'claim');
    return this.queries.execute(
      new GetClaimQuery(claimId.toLowerCase(), parseOrThrow(readAt, query, 'query')),
    );
  }

  /** The first and last status change on each axis (`null` before any claim): a time slider's range. */
  @Get('timespan')
  @ApiDoc(readDocs.timespan)
  timespan(@Query() query: unknown) {
    parseOrThrow(timespanQuery, query, 'query');
    return this.queries.execute(new GetTimespanQuery());
  }

  @Get('places/resolve')
  @ApiDoc(readDocs.resolvePlace)
  resolve(@Query() query: unknown) {
    const q = parseOrThrow(resolveQuery, query, 'query');
    return this.queries.execute(new ResolvePlaceQuery(q.q, q.province));
  }
}
