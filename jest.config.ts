import type { Config } from 'jest';

// Tests import the TypeScript sources. execa is ESM-only and Jest 30 on Node 20 cannot require()
// an ESM package from CommonJS, so tests get the same CommonJS bundle of it that dist/ ships
// (built by scripts/build.mjs). Consumer projects under __tests__/consumers prove the packed
// package itself works from CommonJS, ts-jest and ESM suites.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // the consumer projects are run by consumers.integration.test.ts in their own Jest, not here
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/consumers/[^/]+/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } }],
  },
  moduleNameMapper: {
    '^execa$': '<rootDir>/dist/vendor/execa.cjs',
  },
  testTimeout: 30_000,
  // rebuilds dist/ when src/ is newer: peers and the CLI run from the build
  globalSetup: '<rootDir>/__tests__/global-setup.cjs',
};

export default config;
