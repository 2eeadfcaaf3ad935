/**
 * `node dist/apps/api/src/write-openapi.js <file>`: write the OpenAPI document to a file, without
 * PostgreSQL or Kafka (the app is built, never started: nothing connects). `npm run lint:openapi`
 * lints what it writes. Fails when an operation has no `@ApiDoc`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@sitrep/platform';
import { writeFileSync } from 'node:fs';
import { ApiModule } from './api.module';
import { buildOpenApiDocument } from './http/openapi/openapi-document';

async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('usage: write-openapi <file>');
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forConfig(loadConfig()),
    new FastifyAdapter(),
    { logger: false },
  );
  const { document, faults } = buildOpenApiDocument(app);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  const operations = Object.values(document.paths).flatMap((item) => Object.keys(item)).length;
  console.log(`wrote ${file}: ${operations} operations`);
  if (faults.length > 0) {
    throw new Error(
      `the document is incomplete:\n  ${faults.join('\n  ')}\nsee apps/api/src/http/openapi/api-doc.decorator.ts`,
    );
  }
}

main(process.argv[2]).then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`write-openapi: ${error.message}`);
    process.exit(1);
  },
);
