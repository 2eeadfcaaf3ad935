/**
 * A chaos spec's own Postgres cluster and Kafka brokers, started before its tests and stopped
 * after them (the summary printed last): what each scenario of the file runs on.
 */
import { join } from 'node:path';
import { ChaosKafka } from './kafka';
import { ChaosPostgres } from './postgres';
import { AppProcess } from './processes';
import { Infrastructure } from './scenario';
import { printSummary, WORK_DIR } from './suite';

export interface StackOfItsOwn {
  readonly pg: ChaosPostgres;
  readonly kafka: ChaosKafka;
  /** What a scenario starts on (there once the spec's tests run). */
  readonly infra: Infrastructure;
}

/** Call at the top level of a spec. */
export function stackOfItsOwn(options: {
  readonly brokers: number;
  readonly port: number;
  readonly folder: string;
  readonly title: string;
}): StackOfItsOwn {
  const pg = new ChaosPostgres();
  const kafka = new ChaosKafka(options.brokers, options.port, join(WORK_DIR, options.folder));
  let infra: Infrastructure | undefined;
  beforeAll(async () => {
    await Promise.all([pg.start(), kafka.start()]);
    infra = {
      databaseUrl: (db) => pg.url(db),
      brokers: kafka.brokers,
      workDir: WORK_DIR,
      partitions: 3,
    };
  });
  afterAll(async () => {
    await AppProcess.killAll();
    await kafka.stop().catch(() => undefined);
    pg.drop();
    printSummary(options.title);
  });
  return {
    pg,
    kafka,
    get infra(): Infrastructure {
      if (!infra) throw new Error('the stack starts before the spec’s tests');
      return infra;
    },
  };
}
