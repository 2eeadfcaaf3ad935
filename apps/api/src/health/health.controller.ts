import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { KAFKA, liveReadModel, PG_POOL, TOPICS, Topics } from '@sitrep/platform';
import { FastifyReply } from 'fastify';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

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
  ) {}

  /** Liveness: the process answers. */
  @Get()
  live() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and Kafka answer; projector lag is the events not yet in the read model. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
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

    let projector: Record<string, unknown> = { lag: null };
    if (postgres.ok && kafka.ok) {
      const { schema, version } = await liveReadModel(this.pool);
      const { rows } = await this.pool.query<{ partition: number; next_offset: string }>(
        `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
        [this.topics.claims],
      );
      const applied = new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
      const lag = kafka.offsets.reduce(
        (sum, p) => sum + Math.max(0, Number(p.high) - (applied.get(p.partition) ?? Number(p.low))),
        0,
      );
      projector = { lag, readModelVersion: version };
    }
    const ok = postgres.ok && kafka.ok;
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ready' : 'unavailable',
      postgres,
      kafka: kafka.ok ? { ok: true } : kafka,
      projector,
    };
  }
}
