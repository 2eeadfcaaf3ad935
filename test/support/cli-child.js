/** Runs the CLI (apps/cli/src/main.ts) from sources: `node test/support/cli-child.js replay …`. */
const { join } = require('node:path');
const { root } = require('./ts-register');

require(join(root, 'apps/cli/src/main.ts'));
