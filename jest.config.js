/** One `npm test` runs every tier; `--selectProjects unit|integration|e2e` runs one. */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@sitrep/domain(.*)$': '<rootDir>/libs/domain/src$1',
    '^@sitrep/platform(.*)$': '<rootDir>/libs/platform/src$1',
    '^@sitrep/projection(.*)$': '<rootDir>/libs/projection/src$1',
    '^@sitrep/replay(.*)$': '<rootDir>/libs/replay/src$1',
  },
};

module.exports = {
  testTimeout: 120000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,bench}/**/*.int-spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
};
