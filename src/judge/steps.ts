import type { Failure } from './result';
import { stepOf } from './peers';
import type { Verdict } from './verdict';
import type { PeerEvent } from '../protocol/events';

/** When the harness began stopping the run at its timeout (or an abort), if it did. */
export function runStoppingAt(timeline: readonly PeerEvent[]): number | undefined {
  return timeline.find((e) => e.peer === 'harness' && (e.ev === 'timeout' || e.ev === 'aborted'))?.t;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/**
 * Every `fail` event a scripted peer wrote becomes a failure at the step's place in the file.
 * A descriptor leak the peer found is an FD_LEAK rather than a step failure, like the one the
 * cleanup verdict reports from `fds` events.
 */
export const stepVerdict: Verdict = ({ scenario, record }) => {
  const failures: Failure[] = [];
  const stoppingAt = runStoppingAt(record.timeline);
  for (const event of record.timeline) {
    if (event.ev !== 'fail' || event.peer === 'harness') continue;
    // A step that failed once the harness was stopping the run (its other end was being killed)
    // is the stop's consequence, not a finding: the TIMEOUT (or the abort) says where it was.
    if (stoppingAt !== undefined && event.t >= stoppingAt) continue;
    const step = stepOf(scenario, event.peer, event.step);
    const cause = typeof event.code === 'string' ? event.code : undefined;
    const where = step ? `step ${step.index + 1} (${step.step})` : typeof event.step === 'number' ? `step ${event.step + 1}` : 'a step';
    // Every renderer puts the peer (`failure.peer`) before the message; the message does not repeat it.
    let message = `${where} failed: ${typeof event.message === 'string' ? event.message : cause ?? 'no message'}`;
    if ('expected' in event && 'got' in event && !message.includes('expected')) {
      message += ` (expected ${show(event.expected)}, got ${show(event.got)})`;
    }
    failures.push({
      code: cause === 'FD_LEAK' ? 'FD_LEAK' : 'STEP_FAILED',
      peer: event.peer,
      ...(step ? { step: { name: step.step, index: step.index } } : {}),
      ...(step?.pos ? { pos: step.pos } : {}),
      message,
      ...(cause ? { cause } : {}),
    });
  }
  return { failures };
};
