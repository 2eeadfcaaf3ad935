/**
 * How an endpoint documents itself: one `@ApiDoc({...})` on the handler, with the zod schemas that
 * validate its path, query and body, and the zod schemas of its answers. buildOpenApiDocument
 * turns them into the OpenAPI operation, so the document cannot drift from the validation.
 *
 * To document a new endpoint: write its `OperationDoc` in a `<feature>.docs.ts` beside the
 * controller (request schemas from the file the controller validates with; answer schemas as
 * zod schemas, given a component name with `named` of ./schema-registry), then put
 * `@ApiDoc(myDocs.operation)` on the handler. Security and 401/403/503 come from `@RequireScope`,
 * 400/413/415 from a body, 400 from a query, 429 is on every operation: list only the problems
 * the endpoint itself gives (404, 409, 422, …). Keep `@ApiTags` on the controller
 * (a new tag needs its description in TAGS of openapi-document.ts). Streams name their media type
 * (`mediaType: 'text/event-stream'` or `'application/x-ndjson'`) with the schema of one event or
 * line. Routes outside /v1, /health and /metrics (the static map, redirects) are left out of the
 * document. `npm run lint:openapi` and test/openapi.e2e-spec.ts check the result.
 */
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { z } from 'zod';

/** Problems an operation lists itself; 400, 401, 403, 413, 415, 429 and 503 are added where they apply. */
export type ProblemStatus = 400 | 404 | 409 | 422;

export interface MediaDoc {
  readonly schema: z.ZodType;
  readonly example?: unknown;
}

export interface BodyDoc extends MediaDoc {
  readonly description: string;
  /** Default application/json. */
  readonly mediaType?: string;
  /** Default true. */
  readonly required?: boolean;
}

export interface ResponseDoc {
  readonly description: string;
  /** The answer's body (none for 204); as `mediaType`, default application/json. */
  readonly schema?: z.ZodType;
  readonly example?: unknown;
  readonly mediaType?: string;
  /** The same answer in other media types (content negotiation), e.g. application/x-ndjson. */
  readonly alternatives?: Readonly<Record<string, MediaDoc>>;
  readonly headers?: Readonly<Record<string, { description: string; schema: z.ZodType }>>;
}

export interface OperationDoc {
  /** Unique in the API, lowerCamelCase: the name clients generated from the document use. */
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  /** The path parameters, as the controller validates them (a bad one is a 404). */
  readonly params?: z.ZodObject;
  /** The query, as the controller validates it (the strict object given to parseOrThrow). */
  readonly query?: z.ZodObject;
  readonly body?: BodyDoc;
  /** Success answers by status. */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  readonly problems?: readonly ProblemStatus[];
}

export const OPERATION_DOC = 'sitrep:openapi-operation';

/** Document a handler; see the comment at the top of this file. */
export const ApiDoc = (doc: OperationDoc): MethodDecorator =>
  applyDecorators(
    ApiOperation({
      operationId: doc.operationId,
      summary: doc.summary,
      description: doc.description,
    }),
    SetMetadata(OPERATION_DOC, doc),
  );
