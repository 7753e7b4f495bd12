import type { Failure } from './result';
import { stepOf } from './peers';
import type { Verdict } from './verdict';
import type { PeerEvent } from '../protocol/events';

/** When the harness began stopping the run at its timeout (or an abort), if it did. */
export function runStoppingAt(timeline: readonly PeerEvent[]): number | undefined {
  return timeline.find((e) => e.peer === 'harness' && (e.ev === 'timeout' || e.ev === 'aborted'))?.t;
}

/** A value from a `fail` event, escaped once: strings as JSON strings, like payloads in mismatch messages. */
function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Whether the message already shows `got`. The scripted peer's messages name what came, already
 * escaped (`got "NO\nthing"`), and put the same text in `got`; showing it again through JSON
 * would escape it twice (`"\"NO\\nthing\""`). A program writing its own `fail` event may give
 * a raw value, which the message then lacks.
 */
function shows(message: string, got: unknown): boolean {
  if (got === undefined || got === null) return false;
  if (typeof got === 'string') return got !== '' && (message.includes(got) || message.includes(show(got)));
  return message.includes(show(got));
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
    const told = typeof event.message === 'string' ? event.message : cause ?? 'no message';
    let message = `${where} failed: ${told}`;
    if ('expected' in event && 'got' in event && !told.includes('expected') && !(shows(told, event.expected) && shows(told, event.got))) {
      // A value the message already shows is a rendering of the peer's own: kept as it is, not escaped again.
      const render = (value: unknown): string => (typeof value === 'string' && value !== '' && told.includes(value) ? value : show(value));
      message += ` (expected ${render(event.expected)}, got ${render(event.got)})`;
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
