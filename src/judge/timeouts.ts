import type { PeerEvent } from '../protocol/events';
import { startAllowanceCapMs, startupMs } from '../run/startup-time';
import type { Scenario } from '../scenario/types';
import { stepOf } from './peers';
import { runStoppingAt } from './steps';
import type { Failure } from './result';
import type { Verdict } from './verdict';

/**
 * The whole run hit its timeout: which peers were still running and had to be killed, and for
 * each, where it was stuck. A scripted peer says so itself as it is stopped (its `stopped` event
 * names the step and what the step waited for); of any other peer the last event is known.
 */
export const timeoutVerdict: Verdict = ({ scenario, record }) => {
  if (!record.timedOut) return {};
  const killed = record.peers.filter((p) => p.stoppedBy === 'timeout').map((p) => p.id);
  const where = killed.map((id) => whereStuck(scenario, id, record.timeline));
  const still = killed.length > 0 ? `; still running and killed: ${where.join('; ')}` : '';
  const failure: Failure = {
    code: 'TIMEOUT',
    message: `the run exceeded its timeout of ${record.timeoutMs} ms${startupNote(record.timeline, record.timeoutMs)}${still}; raise \`timeout:\` if the scenario needs longer, or look at the timeline for the step that hung`,
  };
  // The failure points at the first stopped peer in peer order (server first), not at whichever
  // happened to answer SIGTERM first: the same run gives the same result.
  const first = killed.map((id) => stuckEvent(record.timeline, id)).find((e) => e !== undefined);
  const step = first ? stepOf(scenario, first.peer, first.step) : undefined;
  if (first && step) Object.assign(failure, { peer: first.peer, step: { name: step.step, index: step.index }, ...(step.pos ? { pos: step.pos } : {}) });
  return { failures: [failure] };
};

/**
 * The event that says where a peer was when the run timed out: its `stopped` event, or, when its
 * step failed first because the other end was being stopped, that failure, dated after the
 * timeout. A scripted peer learns of the stop before any peer is signalled and then waits for its
 * own signal (src/peer/runner.ts); only a relay its peer had left full (the stop then waited for
 * it at most a moment) or a peer that does not read one leaves such a failure.
 */
function stuckEvent(timeline: readonly PeerEvent[], peer: string): PeerEvent | undefined {
  const stopped = timeline.find((e) => e.peer === peer && e.ev === 'stopped');
  if (stopped) return stopped;
  const at = runStoppingAt(timeline);
  return at === undefined ? undefined : timeline.find((e) => e.peer === peer && e.ev === 'fail' && e.t >= at && typeof e.step === 'number');
}

function whereStuck(scenario: Scenario, peer: string, timeline: readonly PeerEvent[]): string {
  const stopped = stuckEvent(timeline, peer);
  if (stopped?.ev === 'fail') {
    const step = stepOf(scenario, peer, stopped.step);
    if (step) {
      const line = step.pos ? `, line ${step.pos.line}` : '';
      return `${peer} at step ${step.index + 1} (${step.step}${line}), which ended as the run was being stopped: ${String(stopped.message ?? stopped.code)}`;
    }
  }
  if (stopped) {
    const step = stepOf(scenario, peer, stopped.step);
    if (!step || typeof stopped.waitingFor !== 'string') return `${peer} (between steps)`;
    const line = step.pos ? `, line ${step.pos.line}` : '';
    const since = typeof stopped.forMs === 'number' ? ` for ${stopped.forMs} ms` : '';
    return `${peer} at step ${step.index + 1} (${step.step}${line}), waiting${since} for ${stopped.waitingFor}`;
  }
  const last = [...timeline].reverse().find((e) => e.peer === peer);
  return last ? `${peer} (its last event: ${last.ev})` : `${peer} (it reported no event)`;
}

/** The run's clock did not count its peers' start-up (up to startAllowanceCapMs): say how long that was. */
function startupNote(timeline: readonly PeerEvent[], timeoutMs: number): string {
  const stoppedAt = timeline.find((e) => e.peer === 'harness' && e.ev === 'timeout')?.t;
  const ms = Math.round(startupMs(timeline, stoppedAt));
  if (ms < 1) return '';
  const counted = Math.min(ms, startAllowanceCapMs(timeoutMs));
  return ` (not counting ${counted} ms its peers took to start${ms > counted ? `, of ${ms} ms` : ''})`;
}
