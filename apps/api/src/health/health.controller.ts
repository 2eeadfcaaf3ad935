import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { inTransaction, KAFKA, liveReadModel, PG_POOL, TOPICS, Topics } from '@sitrep/platform';
import { CheckpointsRepository } from '@sitrep/projection';
import { FastifyReply } from 'fastify';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { healthDocs } from './health.docs';

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms),
    ),
  ]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(TOPICS) private readonly topics: Topics,
    private readonly keys: ApiKeyRepository,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  @ApiDoc(healthDocs.live)
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness: Postgres and Kafka answer; `200 {status: "ready"}` or `503 {status: "unavailable"}`
   * for anyone. With an admin key, the details too: each dependency (with its error) and the
   * projector lag (events not yet in the read model).
   */
  @Get('ready')
  @ApiDoc(healthDocs.ready)
  async ready(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const postgres = await within(2000, this.pool.query('SELECT 1'))
      .then(() => ({ ok: true }))
      .catch((error: Error) => ({ ok: false, error: error.message }));
    const admin = this.kafka.admin();
    const kafka = await within(
      3000,
      (async () => {
        await admin.connect();
        return admin.fetchTopicOffsets(this.topics.claims);
      })(),
    )
      .then((offsets) => ({ ok: true as const, offsets }))
      .catch((error: Error) => ({ ok: false as const, error: error.message }))
      .finally(() => void admin.disconnect().catch(() => undefined));
    const ok = postgres.ok && kafka.ok;
    void reply.status(ok ? 200 : 503);
    const status = ok ? 'ready' : 'unavailable';
    if (!(postgres.ok && (await this.isAdmin(authorization)))) return { status };

    let projector: Record<string, unknown> = { lag: null };
    if (kafka.ok) {
      projector = await this.projectorLag(kafka.offsets).catch((error: Error) => ({
        lag: null,
        error: error.message,
      }));
    }
    return { status, postgres, kafka: kafka.ok ? { ok: true } : kafka, projector };
  }

  private async isAdmin(authorization: string | undefined): Promise<boolean> {
    const key = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!key) return false;
    const caller = await this.keys.findCaller(key).catch(() => undefined);
    return caller?.scopes.includes('admin') ?? false;
  }

  private async projectorLag(
    offsets: readonly { partition: number; high: string; low: string }[],
  ): Promise<Record<string, unknown>> {
    const { version, applied } = await inTransaction(this.pool, async (client) => {
      const live = await liveReadModel(client);
      const checkpoints = await new CheckpointsRepository(client, live.schema).load(
        this.topics.claims,
      );
      return {
        version: live.version,
        applied: new Map([...checkpoints].map(([p, c]) => [p, c.nextOffset])),
      };
    });
    const lag = offsets.reduce(
      (sum, p) => sum + Math.max(0, Number(p.high) - (applied.get(p.partition) ?? Number(p.low))),
      0,
    );
    return { lag, readModelVersion: version };
  }
}
