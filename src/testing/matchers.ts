// Matchers for ScenarioResult, in the expect.extend() form Jest and Vitest share. Failure messages carry every reason and the part of the
// timeline that matters, so a red test explains itself without re-running.

import type { FailureCode } from '../judge/result';
import { failedScenarioText, isResult, notAResultText, reasons } from './result-text';
import { timelineExcerpt } from './timeline-text';

interface MatcherContext {
  isNot: boolean;
  utils: { printReceived(v: unknown): string; printExpected(v: unknown): string };
}
type MatcherResult = { pass: boolean; message: () => string };

function notAResult(name: string, value: unknown): MatcherResult {
  return { pass: false, message: () => notAResultText(name, value) };
}

export const scenarioMatchers = {
  toPass(this: MatcherContext, received: unknown): MatcherResult {
    if (!isResult(received)) return notAResult('toPass', received);
    const pass = received.passed;
    return {
      pass,
      message: () =>
        pass
          ? `expected scenario "${received.name}" to fail, but it passed`
          : failedScenarioText(received),
    };
  },

  toFailWith(this: MatcherContext, received: unknown, code: FailureCode, peer?: string): MatcherResult {
    if (!isResult(received)) return notAResult('toFailWith', received);
    const pass = received.failures.some((f) => f.code === code && (peer === undefined || f.peer === peer));
    const what = `${code}${peer ? ` for ${peer}` : ''}`;
    return {
      pass,
      message: () =>
        pass
          ? `expected scenario "${received.name}" not to fail with ${what}, but it did:\n${reasons(received)}`
          : `expected scenario "${received.name}" to fail with ${what}; its failures were:\n${reasons(received) || '  (none: it passed)'}`,
    };
  },

  toHaveEvent(this: MatcherContext, received: unknown, peer: string, ev: string, fields: Record<string, unknown> = {}): MatcherResult {
    if (!isResult(received)) return notAResult('toHaveEvent', received);
    const matches = (e: Record<string, unknown>) => Object.entries(fields).every(([k, v]) => JSON.stringify(e[k]) === JSON.stringify(v));
    const pass = received.timeline.some((e) => e.peer === peer && e.ev === ev && matches(e));
    return {
      pass,
      message: () =>
        `expected the timeline of "${received.name}" ${pass ? 'not ' : ''}to have a "${ev}" event from ${peer}${
          Object.keys(fields).length ? ` with ${JSON.stringify(fields)}` : ''
        }\ntimeline:\n${timelineExcerpt(received)}`,
    };
  },

  toHaveExited(this: MatcherContext, received: unknown, peer: string, expected: number | string): MatcherResult {
    if (!isResult(received)) return notAResult('toHaveExited', received);
    const outcome = received.peers.find((p) => p.id === peer);
    const actual = outcome ? (outcome.signal ?? outcome.exitCode) : undefined;
    const pass = actual === expected;
    return {
      pass,
      message: () =>
        outcome
          ? `expected ${peer} ${pass ? 'not ' : ''}to exit with ${expected}; it exited with ${String(actual)}`
          : `scenario "${received.name}" has no peer "${peer}"; its peers are ${received.peers.map((p) => p.id).join(', ')}`,
    };
  },
};

export interface ScenarioMatchers<R = unknown> {
  /** the scenario passed; otherwise fails with every reason and the timeline around them */
  toPass(): R;
  /** the scenario has a failure with this code (and for this peer, if given) */
  toFailWith(code: FailureCode, peer?: string): R;
  /** the merged timeline has an event `ev` from `peer` whose fields include `fields` */
  toHaveEvent(peer: string, ev: string, fields?: Record<string, unknown>): R;
  /** the peer exited with this code, or was killed by this signal ('SIGKILL') */
  toHaveExited(peer: string, expected: number | string): R;
}
