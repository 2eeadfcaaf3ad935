/**
 * zod schemas as OpenAPI 3.0 schemas, with zod 4's own `z.toJSONSchema`. A schema given a name
 * with `named` becomes `#/components/schemas/<name>` and is referenced wherever it occurs (in
 * operations and inside other schemas); descriptions and examples come from `.meta()`.
 */
import { z } from 'zod';

type Json = Record<string, unknown>;

/** Name a schema for the document (the same instance the code validates or answers with). */
export function named<S extends z.ZodType>(name: string, schema: S): S {
  const meta = z.globalRegistry.get(schema);
  if (meta?.id !== name) z.globalRegistry.add(schema, { ...meta, id: name });
  return schema;
}

/** `#/definitions/X` (what zod writes) → `#/components/schemas/X`, everywhere in `value`. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string'
        ? v.replace(/^#\/definitions\//, '#/components/schemas/')
        : rewriteRefs(v),
    ]),
  );
}

/** Converts schemas and gathers the named ones met on the way, for `components.schemas`. */
export class SchemaConverter {
  readonly components: Record<string, Json> = {};

  /** `input`: as a request is accepted (defaults optional); `output`: as an answer is sent. */
  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const { definitions, ...json } = z.toJSONSchema(schema, {
      target: 'openapi-3.0',
      io,
      unrepresentable: 'any',
    }) as Json & { definitions?: Record<string, Json> };
    for (const [name, definition] of Object.entries(definitions ?? {})) {
      const converted = rewriteRefs(definition) as Json;
      const known = this.components[name];
      if (known && JSON.stringify(known) !== JSON.stringify(converted)) {
        throw new Error(
          `schema ${name} differs as a request and as an answer; name the two apart (named(...))`,
        );
      }
      this.components[name] = converted;
    }
    return rewriteRefs(json) as Json;
  }
}
