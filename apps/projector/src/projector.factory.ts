import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Config, JsonLogger, prepareDatabase, redactUrl } from '@sitrep/platform';
import { ProjectorModule } from './projector.module';

/** Prepare the database, then start consuming. Used by main and by the integration tests. */
export async function startProjector(
  config: Config,
  logger = new JsonLogger('projector', config.logLevel),
): Promise<INestApplicationContext> {
  const { applied, readModel } = await prepareDatabase(config.databaseUrl, {
    onRetry: (error) =>
      logger.write('warn', 'Postgres does not answer yet; waiting', { error: error.message }),
  });
  if (readModel === 'replaced')
    logger.write('warn', 'the live read model had an older layout: rebuilding it from the log', {
      hint: 'reads are empty until the projector has caught up; npm run replay does it too',
    });
  logger.write('info', 'database ready', {
    database: redactUrl(config.databaseUrl),
    migrations: applied,
  });
  const app = await NestFactory.createApplicationContext(ProjectorModule.forConfig(config), {
    logger,
  });
  app.enableShutdownHooks();
  return app;
}
