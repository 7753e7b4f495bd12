// scenarioSuite() as Jest reports it: one test per scenario file titled exactly with the scenario's
// name, and a scenario for another platform as a skipped test whose title gives the reason.
//
// Titles and skipped tests are only visible from outside the Jest that collected them, so this
// runs a nested Jest (a child process, ~3-5 s) over a one-line test file in a temp directory and
// reads its --json report. The nested Jest is configured like this repository's jest.config.ts:
// ts-jest for the TypeScript sources (src/jest is required by absolute path, so the sources under
// test are the current ones, not dist/) and execa mapped to the CommonJS bundle in dist/vendor.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';

const jestBin = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const otherPlatform = process.platform === 'darwin' ? 'linux' : 'darwin';
let work: string;

interface JestJson {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: Array<{ assertionResults: Array<{ title: string; status: string; ancestorTitles: string[] }> }>;
}

beforeAll(() => {
  work = mkdtempSync('/tmp/udsf-suite-titles-');
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function nestedSuite(shard?: string): { status: number | null; stderr: string; tests: Array<{ title: string; status: string; ancestorTitles: string[] }>; report: JestJson; pattern: string; tmpBase: string } {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  const scenarios = path.join(work, 'scenarios');
  const project = path.join(work, 'project');
  const tmpBase = path.join(work, 'runs');
  const outFile = path.join(work, 'out.json');
  mkdirSync(scenarios);
  mkdirSync(project);
  mkdirSync(tmpBase, { mode: 0o700 });

  writeFileSync(
    path.join(scenarios, 'titled.scenario.yaml'),
    [
      'name: titled scenario',
      'socket: stream',
      'server:',
      '  steps: [listen, accept, { recv: { text: "ping" } }, { send: { text: "pong" } }, close]',
      'client:',
      '  steps: [connect, { send: { text: "ping" } }, { recv: { text: "pong" } }, close]',
      '',
    ].join('\n'),
  );
  // Would fail if it ran (nothing listens there): a pending test proves it was not run.
  writeFileSync(
    path.join(scenarios, 'elsewhere.scenario.yaml'),
    ['name: elsewhere scenario', `platforms: [${otherPlatform}]`, 'socket: stream', 'client:', '  steps: [{ connect: { to: /nonexistent/udsf.sock } }]', ''].join('\n'),
  );

  const pattern = `${scenarios}/*.scenario.yaml`;
  writeFileSync(
    path.join(project, 'suite.test.js'),
    [`const { scenarioSuite } = require(${JSON.stringify(path.join(repoRoot, 'src', 'jest'))});`, `scenarioSuite(${JSON.stringify(pattern)});`, ''].join('\n'),
  );
  const config = {
    rootDir: project,
    testEnvironment: 'node',
    watchman: false,
    cacheDirectory: path.join(work, 'cache'),
    transform: {
      '^.+\\.ts$': [
        require.resolve('ts-jest'),
        // no tsconfig.json above the temp project: the options it would have given are inline
        { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true, esModuleInterop: true, target: 'ES2022' } },
      ],
    },
    moduleNameMapper: { '^execa$': path.join(repoRoot, 'dist', 'vendor', 'execa.cjs') },
  };
  const configFile = path.join(work, 'jest.config.json');
  writeFileSync(configFile, JSON.stringify(config));

  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', UDS_FIXTURE_TMPDIR: tmpBase };
  delete env.UDS_FIXTURE_SHARD; // the nested suite must see both files, unless a test shards it
  if (shard) env.UDS_FIXTURE_SHARD = shard;
  const r = spawnSync(process.execPath, [jestBin, '--config', configFile, '--ci', '--runInBand', '--json', `--outputFile=${outFile}`], {
    cwd: project,
    encoding: 'utf8',
    timeout: 60_000,
    env,
  });
  const context = `nested Jest exited ${r.status}${r.signal ? ` (${r.signal})` : ''}:\n${r.stderr}`;
  let report: JestJson;
  try {
    report = JSON.parse(readFileSync(outFile, 'utf8')) as JestJson;
  } catch {
    throw new Error(`no JSON report from the nested Jest; ${context}`);
  }
  const tests = report.testResults
    .flatMap((f) => f.assertionResults)
    .map(({ title, status, ancestorTitles }) => ({ title, status, ancestorTitles }))
    .sort((a, b) => a.title.localeCompare(b.title));

  return { status: r.status, stderr: r.stderr, tests, report, pattern, tmpBase };
}

test('scenarioSuite titles each test with its scenario name and skips another platform with the reason', () => {
  const { status, stderr, tests, report, pattern, tmpBase } = nestedSuite();
  // a failed nested run adds its stderr to the received side, so the diff says why
  expect({ status, tests, ...(status !== 0 ? { stderr } : {}) }).toEqual({
    status: 0,
    tests: [
      {
        title: `elsewhere scenario (skipped: platforms: [${otherPlatform}] does not include ${process.platform})`,
        status: 'pending',
        ancestorTitles: [pattern], // the describe block is titled with the pattern by default
      },
      { title: 'titled scenario', status: 'passed', ancestorTitles: [pattern] },
    ],
  });
  expect(report).toMatchObject({ success: true, numTotalTests: 2, numPassedTests: 1, numPendingTests: 1, numFailedTests: 0 });
  // the scenario that ran removed its run directory
  expect(readdirSync(tmpBase).filter((n) => !n.startsWith('.'))).toEqual([]);
}, 90_000);

test('a shard with none of the files is one passing test saying so, not a failed file', () => {
  const { status, stderr, tests, report } = nestedSuite('3/3');
  expect({ status, tests: tests.map((t) => [t.title, t.status]), ...(status !== 0 ? { stderr } : {}) }).toEqual({
    status: 0,
    tests: [['shard 3/3 holds none of the 2 scenario files', 'passed']],
  });
  expect(report).toMatchObject({ success: true, numTotalTests: 1, numPassedTests: 1, numFailedTests: 0 });
}, 90_000);
