// 10 000 mutations of the shipped scenario files: the loader answers each with a Scenario or with
// its own positioned problems, never an exception, a hang or a stack trace.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkScenarioText, ScenarioError } from '../../src/scenario';
import { repoRoot } from '../helpers/child-script';

const FUZZ_RUNS = Number(process.env.UDS_FIXTURE_FUZZ_RUNS ?? 2_000);

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return scenarioFiles(full);
    return /\.(ya?ml|json)$/.test(e.name) ? [full] : [];
  });
}

// Besides the shipped files, one that uses most keys of the format at once.
const EVERY_KEY = {
  file: '/scenarios/every-key.yaml',
  text: `name: mutated scenario
tags: [smoke]
timeout: 10s
socket: { type: stream, address: path }
files:
  log: { content: "line one\\n", mode: "0600" }
server:
  env: { MODE: test }
  steps:
    - listen: { backlog: 4 }
    - accept: { expectPeer: { uid: self }, timeout: 2s }
    - recvFds: { count: 1, expect: [ { sameFileAs: log, content: "line one\\n", type: file } ] }
    - recv: { count: 100, size: "1..64", pattern: sequence }
    - shutdown: write
    - close: { unlink: false }
clients:
  count: 2
  steps:
    - waitFor: { peer: server, event: listen }
    - connect: { expectError: ECONNREFUSED }
    - sendFds: { files: [log], pipe: { content: hi } }
    - send: { hex: "00ff" }
    - sleep: 5ms
    - exit: 0
expect:
  exit: { server: 0, clients: { code: 0 } }
  stdout: { server: "^ok" }
  ordering: per-sender
  within: 1s
`,
};

const bases = [EVERY_KEY, ...scenarioFiles(path.join(repoRoot, 'fixtures')).map((file) => ({ file, text: readFileSync(file, 'utf8') }))];

const SIGNIFICANT = [':', '-', ' ', '\n', '[', ']', '{', '}', '"', "'", '&a ', '*a', '<<: *a', '!', '!!str ', '#', '|', '>', ',', '?', '0x', '1e309', '-1', '..', '${', '${socket}', '../', '\0', '\t', '\u00e9', '\ud83d\ude00', '%', '@', '`', '~', 'null', 'true'];

type Edit =
  | { kind: 'text'; replace: boolean; at: number; text: string }
  | { kind: 'cut'; at: number; length: number }
  | { kind: 'line'; duplicate: boolean; line: number }
  | { kind: 'swap'; a: number; b: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), replace: fc.boolean(), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SIGNIFICANT), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 3 })) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('line' as const), duplicate: fc.boolean(), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
);

function apply(text: string, e: Edit): string {
  switch (e.kind) {
    case 'line': {
      const lines = text.split('\n');
      const i = e.line % lines.length;
      if (e.duplicate) lines.splice(i, 0, lines[i]!);
      else lines.splice(i, 1);
      return lines.join('\n');
    }
    case 'swap': {
      const lines = text.split('\n');
      const a = e.a % lines.length;
      const b = e.b % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'cut': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + e.length);
    }
    case 'text': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.text + text.slice(at + (e.replace ? e.text.length : 0));
    }
  }
}

const STACK_LINE = /\n\s+at .+:\d+(:\d+)?\)?/;

describe('fuzzing the loader', () => {
  it(`has shipped scenario files to mutate (${bases.length})`, () => {
    expect(bases.length).toBeGreaterThan(20);
  });

  it('the file that uses most keys is valid before it is mutated', () => {
    expect(checkScenarioText(EVERY_KEY.text, EVERY_KEY.file).problems).toEqual([]);
  });

  // 2 000 in the suite (a minute of one worker at 10 000 on a busy machine); scripts/soak.mjs runs
  // 10 000 through UDS_FIXTURE_FUZZ_RUNS.
  it(`${FUZZ_RUNS} mutated files give a Scenario or positioned problems only`, () => {
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (which, edits) => {
        const { file, text: original } = bases[which]!;
        const text = edits.reduce(apply, original);
        const { scenario, problems } = checkScenarioText(text, file);
        if (scenario !== undefined) {
          expect(problems).toEqual([]);
          return;
        }
        expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) {
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.col).toBeGreaterThanOrEqual(1);
          expect(problem.message).not.toMatch(/undefined|\[object Object\]|NaN/);
        }
        const error = new ScenarioError(problems, { file });
        expect(error.code).toBe('ERR_SCENARIO_INVALID');
        const formatted = error.format();
        expect(formatted).not.toMatch(STACK_LINE);
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, 120_000);
});
