/**
 * Runs the API from its TypeScript sources in a child process (configuration from the
 * environment, PORT included), for tests that need it out of the test's own event loop.
 * Sends { port } over IPC once it listens, or { error } if it could not start.
 */
const { join } = require('node:path');
const { root } = require('./ts-register');

require('reflect-metadata');
const { loadConfig } = require(join(root, 'libs/platform/src'));
const { createApiApp } = require(join(root, 'apps/api/src/app.factory'));

(async () => {
  const config = loadConfig(process.env);
  const app = await createApiApp(config);
  await app.listen({ port: config.port, host: '127.0.0.1' });
  process.send?.({ port: app.getHttpServer().address().port });
})().catch((error) => {
  process.send?.({ error: String(error && error.message) });
  process.exit(1);
});
