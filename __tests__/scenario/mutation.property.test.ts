import fc from 'fast-check';
import { checkScenarioText, ScenarioError } from '../../src/scenario';

const BASE = `name: mutated scenario
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
`;

const SIGNIFICANT = [':', '-', ' ', '\n', '[', ']', '{', '}', '"', "'", '&', '*', '!', '#', '|', '>', ',', 'a', 'x', '0', '9', '.', '\t', '\0', '%', '@', '`'];

type Edit =
  | { kind: 'text'; replace: boolean; at: number; text: string }
  | { kind: 'cut'; at: number; length: number }
  | { kind: 'line'; duplicate: boolean; line: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), replace: fc.boolean(), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SIGNIFICANT), fc.string({ maxLength: 4 })) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('line' as const), duplicate: fc.boolean(), line: fc.nat() }),
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

describe('mutated scenario files', () => {
  it('the unmutated file is valid', () => {
    expect(checkScenarioText(BASE, '/scenarios/base.yaml').problems).toEqual([]);
  });

  it('only ever give a Scenario or positioned problems, never an exception', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        const text = edits.reduce(apply, BASE);
        const { scenario, problems } = checkScenarioText(text, '/scenarios/mutated.yaml');
        if (scenario !== undefined) {
          expect(problems).toEqual([]);
          expect(typeof scenario.name).toBe('string');
          return;
        }
        expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) {
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.col).toBeGreaterThanOrEqual(1);
          expect(problem.message).not.toMatch(/undefined|\[object Object\]|NaN/);
        }
        const error = new ScenarioError(problems, { file: '/scenarios/mutated.yaml' });
        expect(error.code).toBe('ERR_SCENARIO_INVALID');
        expect(typeof error.format()).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
