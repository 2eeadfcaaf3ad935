import 'reflect-metadata';
import { JsonLogger, loadConfig } from '@sitrep/platform';
import { createApiApp } from './app.factory';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('api', config.logLevel);
  const app = await createApiApp(config, logger);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.write('info', 'api listening', {
    port: config.port,
    docs: `http://127.0.0.1:${config.port}/docs`,
  });
}

main().catch((error: Error) => {
  new JsonLogger('api').write('error', `api failed to start: ${error.message}`, {
    hint: 'Check the configuration table in README.md; is Postgres reachable at DATABASE_URL?',
  });
  process.exit(1);
});
