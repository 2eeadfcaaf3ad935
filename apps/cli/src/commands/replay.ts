import {
  createKafka,
  createPool,
  JsonLogger,
  loadConfig,
  loadGazetteer,
  prepareDatabase,
  progressPrinter,
  systemClock,
  topicsFor,
} from '@sitrep/platform';
import { ReplayBusyError, Replayer } from '@sitrep/replay';
import { parseArgs } from 'node:util';

/** npm run replay -- [--province AF08] [--keep-old]: rebuild read models from the claim log. */
export async function runReplay(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { province: { type: 'string' }, 'keep-old': { type: 'boolean', default: false } },
    strict: true,
  });
  const config = loadConfig();
  const logger = new JsonLogger('replay', config.logLevel === 'info' ? 'warn' : config.logLevel);
  await prepareDatabase(config.databaseUrl, {
    onRetry: (error) => console.error(`Postgres does not answer yet (${error.message}); waiting`),
  });
  const pool = createPool(config.databaseUrl, 4);
  try {
    const replayer = new Replayer({
      pool,
      kafka: createKafka(config, 'sitrep-replay', logger),
      topics: topicsFor(config.topicPrefix),
      partitions: config.partitions,
      gazetteer: loadGazetteer(),
      clock: systemClock,
      logger,
    });
    const province = values.province?.toUpperCase();
    const { id, done } = await replayer
      .start({
        province,
        keepOld: values['keep-old'],
        onProgress: progressPrinter(province ? `replay ${province}` : 'replay'),
      })
      .catch((error: Error) => {
        if (error instanceof ReplayBusyError) throw new Error(error.message);
        throw error;
      });
    const result = await done;
    process.stderr.write('\n');
    console.log(
      JSON.stringify(
        {
          id,
          state: result.state,
          processed: result.processed,
          eventsPerSecond: result.eventsPerSecond,
          seconds: result.finishedAt
            ? (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000
            : null,
          checksum: result.checksum && {
            live: result.checksum.live,
            rebuilt: result.checksum.rebuilt,
            match: result.checksum.match,
          },
          error: result.error,
        },
        null,
        2,
      ),
    );
    if (result.state === 'failed')
      throw new Error(
        `replay ${id} failed: ${result.error}. The live read model is untouched; run the replay again`,
      );
    if (!result.checksum?.match) {
      throw new Error(
        `replay ${id}: the rebuilt read model differs from the live one (see the checksums above); it is live now, the old one is ${values['keep-old'] ? 'kept' : 'dropped'}`,
      );
    }
  } finally {
    await pool.end();
  }
}
