/** The OpenAPI operations of /health and /metrics (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { named } from '../http/openapi/schema-registry';

const dependency = z.looseObject({ ok: z.boolean(), error: z.string().optional() });

export const livenessAnswer = named('Liveness', z.strictObject({ status: z.literal('ok') }));
export const readinessAnswer = named(
  'Readiness',
  z.strictObject({
    status: z.enum(['ready', 'unavailable']),
    postgres: dependency.optional().meta({ description: 'with an admin key only' }),
    kafka: dependency.optional().meta({ description: 'with an admin key only' }),
    projector: z
      .looseObject({ lag: z.number().int().nullable() })
      .optional()
      .meta({ description: 'with an admin key only: events not yet in the read model' }),
  }),
);

const details = {
  postgres: { ok: true },
  kafka: { ok: true },
  projector: { lag: 0, readModelVersion: 1 },
};

export const healthDocs = {
  live: {
    operationId: 'getLiveness',
    summary: 'Liveness: the process answers',
    description: 'Always `200 {"status":"ok"}` while the process runs; checks no dependency.',
    responses: { 200: { description: 'Alive', schema: livenessAnswer, example: { status: 'ok' } } },
  },
  ready: {
    operationId: 'getReadiness',
    summary: 'Readiness: PostgreSQL and Kafka answer',
    description:
      'For anyone, only `status`. With an admin key (`Authorization: Bearer <key>`, optional), each dependency (with its error) and the projector lag too.',
    responses: {
      200: {
        description: 'Ready',
        schema: readinessAnswer,
        example: { status: 'ready', ...details },
      },
      503: {
        description: 'A dependency does not answer',
        schema: readinessAnswer,
        example: {
          status: 'unavailable',
          ...details,
          kafka: { ok: false, error: 'no answer within 3000 ms' },
          projector: { lag: null },
        },
      },
    },
  },
  metrics: {
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description:
      'The Prometheus text exposition format; the series are listed in README.md, "Metrics".',
    responses: {
      200: {
        description: 'The metrics',
        mediaType: 'text/plain',
        schema: z.string(),
        example:
          '# HELP sitrep_reports_accepted_total Reports answered 201 (outcome "created") or 200 (outcome "identical")\n# TYPE sitrep_reports_accepted_total counter\nsitrep_reports_accepted_total{outcome="created"} 6\n',
      },
    },
  },
} satisfies Record<string, OperationDoc>;
