import { availableParallelism } from 'node:os';
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
  // Most test files wait on child processes rather than compute, so two workers keep a 2-core
  // machine busy where Jest's default (cores - 1) would run one file at a time.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // rebuilds dist/ when src/ is newer: peers and the CLI run from the build
  globalSetup: '<rootDir>/__tests__/global-setup.cjs',
};

export default config;
