import 'reflect-metadata';
import { Body, Controller, Get, Module, Param, Post, Query, Redirect } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireScope } from '../../auth/scopes';
import { ApiDoc } from './api-doc.decorator';
import { BuiltDocument, buildOpenApiDocument } from './openapi-document';
import { named } from './schema-registry';

const thing = named('SpecThing', z.strictObject({ id: z.string(), size: z.number().int() }));
const thingRequest = named('SpecThingRequest', z.strictObject({ size: z.number().int().min(1) }));

@ApiTags('read')
@RequireScope('read')
@Controller('v1/things')
class ThingsController {
  @Get(':id')
  @ApiDoc({
    operationId: 'getThing',
    summary: 'A thing',
    description: 'One thing.',
    params: z.strictObject({
      id: z
        .string()
        .regex(/^t\d+$/)
        .meta({ example: 't1' }),
    }),
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(10).default(5),
      q: z.string().meta({ description: 'what to look for' }),
    }),
    responses: { 200: { description: 'The thing', schema: thing } },
    problems: [404],
  })
  get(@Param('id') id: string, @Query() _query: unknown) {
    return { id, size: 1 };
  }

  @Post()
  @ApiDoc({
    operationId: 'makeThing',
    summary: 'Make a thing',
    description: 'A new thing.',
    body: { description: 'The thing', schema: thingRequest },
    responses: { 201: { description: 'Made', schema: thing } },
  })
  make(@Body() _body: unknown) {
    return { id: 't2', size: 2 };
  }

  @Get(':id/parts/:part')
  @ApiDoc({
    operationId: 'getPart',
    summary: 'A part',
    description: 'Declares the wrong parameters.',
    params: z.strictObject({ id: z.string() }),
    responses: { 200: { description: 'The part' } },
  })
  part() {
    return {};
  }

  @Get('undocumented/list')
  undocumented() {
    return [];
  }
}

/** Not the API: the static map's redirect. */
@Controller()
class MapController {
  @Get()
  @Redirect('/map/', 302)
  root() {}
}

@Module({ controllers: [ThingsController, MapController] })
class SpecModule {}

let built: BuiltDocument;
const doc = () => built.document as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  const app = await NestFactory.create<NestFastifyApplication>(SpecModule, new FastifyAdapter(), {
    logger: false,
  });
  built = buildOpenApiDocument(app);
  await app.close();
});

describe('buildOpenApiDocument', () => {
  it('then non-API routes are left out, and they are no fault', () => {
    expect(Object.keys(doc().paths).sort()).toEqual([
      '/v1/things',
      '/v1/things/undocumented/list',
      '/v1/things/{id}',
      '/v1/things/{id}/parts/{part}',
    ]);
  });

  it('then an operation without @ApiDoc, or with other path parameters, is a fault', () => {
    expect(built.faults).toEqual([
      'GET /v1/things/{id}/parts/{part}: params id in @ApiDoc',
      'GET /v1/things/undocumented/list has no @ApiDoc',
    ]);
  });

  it('then parameters come from the zod schemas: defaults and optionals are not required', () => {
    const op = doc().paths['/v1/things/{id}'].get;
    expect(op.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^t\\d+$' },
        example: 't1',
      },
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 10, default: 5 },
      },
      {
        name: 'q',
        in: 'query',
        required: true,
        description: 'what to look for',
        schema: { type: 'string' },
      },
    ]);
  });

  it('then security comes from @RequireScope, with 401, 403, 503 and 429; 400 with a query', () => {
    const op = doc().paths['/v1/things/{id}'].get;
    expect(op.security).toEqual([{ apiKey: [] }]);
    expect(op.description).toContain('`read` scope');
    expect(Object.keys(op.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
    expect(op.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(op.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SpecThing',
    });
  });

  it('then a body brings 400, 413 and 415, and its named schema as it is accepted', () => {
    const op = doc().paths['/v1/things'].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '400', '413', '415']));
    expect(op.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SpecThingRequest',
    });
    expect(doc().components.schemas.SpecThingRequest.properties.size.minimum).toBe(1);
  });

  it('then the problem answers are application/problem+json with the shared Problem schema', () => {
    const { responses, schemas } = doc().components;
    expect(responses.Unauthenticated.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(responses.TooManyRequests.headers['Retry-After']).toBeDefined();
    expect(schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail', 'instance']);
  });
});
