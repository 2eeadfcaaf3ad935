/**
 * npm run bench -- <name> [options]: the project's benchmarks, each on a stack of its own.
 * Benchmarks are not part of the product: they live here, beside the apps, and are built only
 * by `npm run bench` (never by `npm run build`, never into the Docker image).
 */
import 'reflect-metadata';
import { runImportBench } from './import/import.bench';
import { runIngestBench } from './ingest/ingest.bench';
import { runProjectionBench } from './projection/projection.bench';
import { runReadsBench } from './reads/reads.bench';
import { runReplayBench } from './replay/replay.bench';

interface Benchmark {
  readonly help: string;
  run(args: string[]): Promise<void>;
}

/** Add a benchmark here: a name, one line of help, and its entry point. */
const BENCHMARKS: Record<string, Benchmark> = {
  replay: {
    help: 'generate a claim log, replay it, compare with ConsumerPerformance: [--events 1000000] [--partitions 6] [--keep]',
    run: runReplayBench,
  },
  reads: {
    help: 'post claims through the API, time every read against the current read, at each size: [--sizes 10000,100000] [--samples 40] [--history 10000]',
    run: runReadsBench,
  },
  projection: {
    help: 'generate a claim log, time the live projector catching up on it, tenth by tenth: [--events 1000000] [--partitions 6] [--profile DIR]',
    run: runProjectionBench,
  },
  import: {
    help: 'write an NDJSON file of N reports, import it twice through POST /v1/reports:batch (the second adds nothing): [--reports 10000] [--concurrency 4] [--batch-size 500]',
    run: runImportBench,
  },
  ingest: {
    help: 'HTTP clients post distinct reports to the API; compare with ProducerPerformance: [--connections 128] [--seconds 15] [--claims 1,20] [--apis 1]',
    run: runIngestBench,
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const benchmark = name ? BENCHMARKS[name] : undefined;
  if (!benchmark) {
    console.error(
      `usage: npm run bench -- <name> [options]\n${Object.entries(BENCHMARKS)
        .map(([n, b]) => `  ${n.padEnd(10)} ${b.help}`)
        .join('\n')}`,
    );
    process.exit(name ? 2 : 0);
  }
  await benchmark.run(args);
}

main().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
