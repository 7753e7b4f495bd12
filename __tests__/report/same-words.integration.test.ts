// One failure, every face: a server that exits 3 by itself after its client ended (its planned stop
// had begun, so when it ended is measured) reads the same in the CLI's pretty text, the JSON
// report, the JUnit <failure> and the Jest matcher's message. They all take the words from
// src/report/failure-text.ts; before, a user comparing two runs saw the message change with the
// race between the server's exit and its client's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ScenarioResult } from '../../src';
import { scenarioMatchers } from '../../src/testing/matchers';
import { repoRoot } from '../helpers/child-script';

const cli = path.join(repoRoot, 'dist', 'cli.cjs');
let work: string;
let tmpBase: string;

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-words-'));
  tmpBase = mkdtempSync('/tmp/udsf-words-');
});
afterEach(() => {
  expect(readdirSync(tmpBase).filter((n) => !n.startsWith('.'))).toEqual([]);
  rmSync(work, { recursive: true, force: true });
  rmSync(tmpBase, { recursive: true, force: true });
});

const SCENARIO = `name: a server that exits 3 after its client
socket: stream
server:
  run: [python3, ${JSON.stringify(path.join(repoRoot, 'fixtures', 'python', 'lifecycle_server.py'))}, "\${socket}", one-shot, --linger, "0.1", --exit, "3"]
  ready: { stdout: listening }
client:
  steps:
    - connect
    - send: { text: "once" }
    - recv: { text: "once" }
    - close
`;

/** XML text back to the characters it stands for. */
const unescapeXml = (s: string): string => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

test('pretty, JSON, JUnit and the Jest matcher give the same failure in the same words', () => {
  const file = path.join(work, 'exit3.scenario.yaml');
  writeFileSync(file, SCENARIO);
  const out = path.join(work, 'reports');
  const r = spawnSync(process.execPath, [cli, 'run', file, '--reporter', 'pretty', '--reporter', 'junit', '--reporter', 'json', '--out', out], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, UDS_FIXTURE_TMPDIR: tmpBase, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
  });
  expect(r.status).toBe(1);

  const result = (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { results: ScenarioResult[] }).results[0]!;
  expect(result.failures).toEqual([{ code: 'EXIT_MISMATCH', peer: 'server', message: 'server exited with code 3, expected 0' }]);
  // the server ended after its client: when, is told once, under how the peers ended
  expect(result.peers.find((p) => p.id === 'server')).toMatchObject({ end: 'self', exitCode: 3, plannedStop: { endedAfterMs: expect.any(Number) } });
  const ms = result.peers.find((p) => p.id === 'server')!.plannedStop!.endedAfterMs!;
  const words = ['EXIT_MISMATCH server: server exited with code 3, expected 0', 'how the peers ended:', `  server ended by itself ${ms} ms after the clients ended and exited with code 3`];

  const pretty = r.stdout.split('\n');
  const junit = unescapeXml(/<failure [^>]*>([^<]*)<\/failure>/.exec(readFileSync(path.join(out, 'junit.xml'), 'utf8'))![1]!).split('\n');
  const jest = scenarioMatchers.toPass.call({ isNot: false, utils: { printReceived: String, printExpected: String } }, result).message().split('\n');
  // each face has the same lines, in a row (the terminal and Jest indent them under the scenario's name)
  const block = (lines: string[], indent: string): void => {
    const at = lines.indexOf(indent + words[0]);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at, at + words.length)).toEqual(words.map((w) => indent + w));
  };
  block(pretty, '  ');
  block(junit, '');
  block(jest, '  ');
}, 120_000);
