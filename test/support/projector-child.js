/**
 * Runs the projector from its TypeScript sources in a child process, so a test can kill it hard
 * (SIGKILL) like a crashed pod. Configuration comes from the environment, as in production.
 * Sends 'ready' over IPC once the projector consumes, or { error } if it could not start.
 */
const { join } = require('node:path');
const { root } = require('./ts-register');

require('reflect-metadata');
const { loadConfig } = require(join(root, 'libs/platform/src'));
const { startProjector } = require(join(root, 'apps/projector/src/projector.factory'));

startProjector(loadConfig(process.env)).then(
  () => process.send?.('ready'),
  (error) => {
    process.send?.({ error: String(error && error.message) });
    process.exit(1);
  },
);
