/** `npm run chaos`: the fault suite (see README.md, "Fault suite"). Runs the built apps (dist/) as processes. */
const { join } = require('node:path');
const base = require('../../jest.config.js');

const root = join(__dirname, '../..');

module.exports = {
  rootDir: root,
  testTimeout: 600_000,
  projects: [
    {
      ...base.projects[0],
      rootDir: root,
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
    },
  ],
};
