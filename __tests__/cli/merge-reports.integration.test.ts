// `uds-fixture merge-reports`: the JSON reports of a sharded run, written by the real command in
// child processes, merged back into one set of reports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';
import { mergeShardReports, readShardReport } from '../../src/report/merge';

const cli = path.join(repoRoot, 'dist', 'cli.cjs');
let work: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scenario = (name: string, exit: number) => `name: ${name}\nclient:\n  steps:\n    - exit: ${exit}\n`;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-merge-'));
  writeFileSync(path.join(work, 'a.scenario.yaml'), scenario('alpha passes', 0));
  writeFileSync(path.join(work, 'b.scenario.yaml'), scenario('beta fails', 3));
  writeFileSync(path.join(work, 'c.scenario.yaml'), scenario('gamma passes', 0));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the shards of one selection merge into one JSON, one JUnit and an index linking the failed timelines', () => {
  const one = run(['run', '.', '--shard', '1/2', '--reporter', 'json', '--out', 'shard-1']);
  const two = run(['run', '.', '--shard', '2/2', '--reporter', 'json', '--out', 'shard-2']);
  expect([one.code, two.code].sort()).toEqual([0, 1]); // beta fails in one of them

  const merged = run(['merge-reports', 'shard-1', 'shard-2', '--out', 'merged']);
  expect(merged.code).toBe(1);
  expect(merged.stdout).toContain('beta fails');

  const json = JSON.parse(readFileSync(path.join(work, 'merged', 'results.json'), 'utf8'));
  expect(json.results.map((r: { name: string }) => r.name)).toEqual(['alpha passes', 'beta fails', 'gamma passes']);
  expect(json.counts).toMatchObject({ total: 3, passed: 2, failed: 1 });
  const junit = readFileSync(path.join(work, 'merged', 'junit.xml'), 'utf8');
  expect(junit.match(/<testcase /g)).toHaveLength(3);
  const index = readFileSync(path.join(work, 'merged', 'index.html'), 'utf8');
  expect(index).toContain('2 passed, 1 failed');
  const link = /<a href="([^"]+)">beta fails<\/a>/.exec(index)?.[1];
  expect(link).toBeDefined();
  expect(existsSync(path.join(work, 'merged', link!))).toBe(true);
  expect(index).toContain('EXIT_MISMATCH');
});

test('what cannot be merged is bad input that says what to give', () => {
  expect(run(['merge-reports', 'nowhere', '--out', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining("'nowhere' does not exist") });
  writeFileSync(path.join(work, 'old.json'), JSON.stringify({ version: 99, results: [] }));
  expect(run(['merge-reports', 'old.json', '--out', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('version 99') });
  expect(run(['merge-reports', 'old.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--out') });
});

test('a scenario in two shards (the same selection run twice) is kept once', () => {
  const result = { name: 'x', file: '/s/x.scenario.yaml', passed: true, failures: [], warnings: [], peers: [], timeline: [], durationMs: 1, tags: [] };
  const shard = readShardReport('r.json', { version: 1, results: [result], invalid: [], durationMs: 5 });
  const { summary, duplicates } = mergeShardReports([shard, { ...shard, durationMs: 9 }]);
  expect(summary.results).toHaveLength(1);
  expect(duplicates).toEqual(['/s/x.scenario.yaml']);
  expect(summary.durationMs).toBe(9);
});
