import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ApiAfterToken } from '../consistency/after-token.doc';
import { invalidRequest, notFound } from '../http/problem';
import { asOfQuery, pageQuery, parseOrThrow } from '../http/validation';
import { actorSlug } from '../ingest/report.schema';
import { GetActorQuery, GetClaimQuery, ResolvePlaceQuery } from './actors-claims.queries';
import {
  GetDistrictHistoryQuery,
  GetDistrictQuery,
  GetProvinceQuery,
  ListDistrictsQuery,
} from './districts.queries';

const readAt = z.strictObject(asOfQuery);
const historyQuery = z.strictObject({
  ...asOfQuery,
  ...pageQuery,
  order: z.enum(['oldest', 'newest']).default('oldest'),
});
const list = z.strictObject({
  ...asOfQuery,
  ...pageQuery,
  province: z
    .string()
    .regex(/^AF\d{2}$/, 'province is a province p-code such as AF08')
    .optional(),
  status: z.enum(['claimed', 'contested', 'unclaimed']).optional(),
  controller: actorSlug.optional(),
});
const resolve = z.strictObject({
  q: z.string().trim().min(1).max(120),
  province: z.string().trim().min(1).max(120).optional(),
});

const pcode = (value: string, pattern: RegExp, what: string) => {
  const upper = value.toUpperCase();
  if (!pattern.test(upper)) throw notFound(`${what} ${value}`);
  return upper;
};
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

const ASOF_DOC = [
  ApiQuery({ name: 'asOf', required: false, description: 'ISO time: read as of this moment' }),
  ApiQuery({ name: 'axis', required: false, enum: ['recorded', 'observed'] }),
];
const withAsOf = (): MethodDecorator => (target, key, descriptor) => {
  for (const d of ASOF_DOC) d(target, key, descriptor);
};

@ApiTags('read')
@ApiBearerAuth()
@RequireScope('read')
@ApiAfterToken()
@Controller('v1')
export class ReadController {
  constructor(private readonly queries: QueryBus) {}

  @Get('districts/:pcode')
  @withAsOf()
  district(@Param('pcode') code: string, @Query() query: unknown) {
    return this.queries.execute(
      new GetDistrictQuery(
        pcode(code, /^AF\d{4}$/, 'district'),
        parseOrThrow(readAt, query, 'query'),
      ),
    );
  }

  @Get('districts/:pcode/history')
  @withAsOf()
  @ApiQuery({ name: 'order', required: false, enum: ['oldest', 'newest'] })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  history(@Param('pcode') code: string, @Query() query: unknown) {
    const q = parseOrThrow(historyQuery, query, 'query');
    return this.queries.execute(
      new GetDistrictHistoryQuery(
        pcode(code, /^AF\d{4}$/, 'district'),
        { asOf: q.asOf, axis: q.axis },
        { order: q.order, after: decodeInstantCursor(q.cursor), limit: q.limit },
      ),
    );
  }

  @Get('districts')
  @withAsOf()
  @ApiQuery({ name: 'province', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['claimed', 'contested', 'unclaimed'] })
  @ApiQuery({ name: 'controller', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  districts(@Query() query: unknown) {
    const q = parseOrThrow(list, query, 'query');
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
  @withAsOf()
  province(@Param('pcode') code: string, @Query() query: unknown) {
    return this.queries.execute(
      new GetProvinceQuery(
        pcode(code, /^AF\d{2}$/, 'province'),
        parseOrThrow(readAt, query, 'query'),
      ),
    );
  }

  @Get('actors/:actor')
  @withAsOf()
  actor(@Param('actor') actor: string, @Query() query: unknown) {
    if (!actorSlug.safeParse(actor).success) throw notFound(`actor ${actor}`);
    return this.queries.execute(new GetActorQuery(actor, parseOrThrow(readAt, query, 'query')));
  }

  @Get('claims/:claimId')
  @withAsOf()
  claim(@Param('claimId') claimId: string, @Query() query: unknown) {
    if (!z.uuid().safeParse(claimId).success) throw notFound(`claim ${claimId}`);
    return this.queries.execute(
      new GetClaimQuery(claimId.toLowerCase(), parseOrThrow(readAt, query, 'query')),
    );
  }

  @Get('places/resolve')
  @ApiQuery({ name: 'q', required: true })
  @ApiQuery({ name: 'province', required: false })
  resolve(@Query() query: unknown) {
    const q = parseOrThrow(resolve, query, 'query');
    return this.queries.execute(new ResolvePlaceQuery(q.q, q.province));
  }
}
