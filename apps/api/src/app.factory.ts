import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Config, JsonLogger, METRICS, prepareDatabase } from '@sitrep/platform';
import { z } from 'zod';
import { ApiModule } from './api.module';
import { ApiKeyRepository } from './auth/api-key.repository';
import { fastifyOptions, hardenHttpServer } from './http/http-server';
import { installNdjsonParser } from './http/ndjson-body';
import { installRateLimit } from './http/rate-limit';
import { reportSchema } from './ingest/report.schema';
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

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sitrep API')
      .setDescription(
        'Claims about contested places, as immutable events; read models of their claimed status.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      Report: z.toJSONSchema(reportSchema, { target: 'openapi-3.0' }) as never,
    },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  return app;
}
