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
  // A worker leaves after its last file once its event loop is empty and Node has torn down its
  // heap; on 2 loaded cores that teardown alone took 400-1000 ms for a worker that had compiled
  // TypeScript in-process, past Jest's 500 ms default, and Jest reported a "leak" that was none
  // (no handle was left: checked per file with process.report's libuv list). A real leak keeps a
  // worker forever, so it is still reported, 5 s later.
  workerGracefulExitTimeout: 5_000,
  // rebuilds dist/ when src/ is newer: peers and the CLI run from the build; and makes (and
  // removes) a directory the consumer test files share their packed package through
  globalSetup: '<rootDir>/__tests__/global-setup.cjs',
  globalTeardown: '<rootDir>/__tests__/global-teardown.cjs',
};

export default config;
