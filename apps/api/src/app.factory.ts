import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Config, JsonLogger, METRICS, prepareDatabase } from '@sitrep/platform';
import { ApiModule } from './api.module';
import { ApiKeyRepository } from './auth/api-key.repository';
import { fastifyOptions, hardenHttpServer } from './http/http-server';
import { buildOpenApiDocument } from './http/openapi/openapi-document';
import { installNdjsonParser } from './http/ndjson-body';
import { installRateLimit } from './http/rate-limit';
import { installMapPage } from './map/map-page';
import { installHttpMetrics } from './metrics/http-metrics';

/** Prepare the database, then build the HTTP app (not yet listening). Used by main and tests. */
export async function createApiApp(
  config: Config,
  logger = new JsonLogger('api', config.logLevel),
): Promise<NestFastifyApplication> {
  await prepareDatabase(config.databaseUrl, {
    onRetry: (error) =>
      logger.write('warn', 'Postgres does not answer yet; waiting', { error: error.message }),
  });

  const adapter = new FastifyAdapter(fastifyOptions(config));
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forConfig(config),
    adapter,
    { logger },
  );
  app.enableShutdownHooks();
  hardenHttpServer(app, config);
  installNdjsonParser(app);
  installHttpMetrics(app, app.get(METRICS));
  await installRateLimit(app, config);
  if (config.bootstrapKey) await app.get(ApiKeyRepository).ensureBootstrapKey(config.bootstrapKey);

  const { document, faults } = buildOpenApiDocument(app);
  for (const fault of faults) logger.write('warn', `OpenAPI document: ${fault}`);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await installMapPage(app);
  await app.init();
  return app;
}
