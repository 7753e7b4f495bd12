// The packed package in Jest consumer projects — plain CommonJS, ts-jest, and native ESM — each
// running its own Jest with scenarioSuite(), an inline runScenario() and the matchers. This is the
// proof that nothing ESM-only reaches Jest's CommonJS registry, that the exports map serves both
// module systems, and that the shipped declarations type-check in a strict consumer.
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';
import { jestReport, run, usePackedPackage } from './packed';

const packed = usePackedPackage();
const install = (name: string) => packed.install(name);

test('a plain CommonJS project: two files in parallel workers, Jest --shard and UDS_FIXTURE_SHARD', () => {
  const dir = install('cjs');
  // echo.test.js: 2 scenario files + 1 inline test; second.test.js: the same 2 scenario files
  expect(jestReport(dir, [], ['--maxWorkers=2'])).toMatchObject({ numFailedTests: 0, numPassedTests: 5 });
  const one = jestReport(dir, [], ['--shard=1/2']);
  const two = jestReport(dir, [], ['--shard=2/2']);
  expect(one.numFailedTests + two.numFailedTests).toBe(0);
  expect(one.numPassedTests + two.numPassedTests).toBe(5);
  expect(Math.min(one.numPassedTests, two.numPassedTests)).toBeGreaterThan(0);
  // within a file: UDS_FIXTURE_SHARD splits the scenario files of each scenarioSuite()
  expect(jestReport(dir, [], [], { UDS_FIXTURE_SHARD: '1/2' })).toMatchObject({ numFailedTests: 0, numPassedTests: 3 });
}, 300_000);

test('a ts-jest project type-checks against the shipped declarations (skipLibCheck: false, matchers on the global and the @jest/globals expect) and passes', () => {
  const dir = install('ts-jest');
  // tsc over the whole project: every shipped declaration, none resolving a package the consumer lacks
  run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json'], dir);
  const report = jestReport(dir);
  expect(report).toMatchObject({ numFailedTests: 0, numPassedTests: 3 });
}, 200_000);

test('uds-fixture/jest outside Jest says what is wrong and what to import instead', () => {
  const dir = install('cjs');
  let message = '';
  try {
    run(process.execPath, ['-e', "require('uds-fixture/jest')"], dir);
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toContain('ERR_JEST_MISSING');
  expect(message).toContain('works inside Jest only');
  expect(message).toContain('uds-fixture/vitest');
}, 200_000);

test('a native ESM project imports uds-fixture under --experimental-vm-modules', () => {
  const report = jestReport(install('esm'), ['--experimental-vm-modules']);
  expect(report).toMatchObject({ numFailedTests: 0, numPassedTests: 2 });
}, 200_000);
