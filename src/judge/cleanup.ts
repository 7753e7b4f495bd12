import type { Failure, Warning } from './result';
import type { Verdict } from './verdict';

/**
 * Socket files left in the run directory, per `leftoverSockets`, and descriptors a scripted peer
 * still held at its end, per `fdLeaks`. A file whose owner the harness had to kill (timeout,
 * abort, readiness) is a consequence of that failure, so it is only a warning.
 */
export const cleanupVerdict: Verdict = ({ scenario, record }) => {
  const failures: Failure[] = [];
  const warnings: Warning[] = [];
  const policy = scenario.expect.leftoverSockets;
  for (const left of record.leftoverSockets) {
    const forced = left.ownerStoppedBy !== undefined && left.ownerStoppedBy !== 'clients-done';
    if (forced) {
      warnings.push({ code: 'LEFTOVER_SOCKET', message: `socket file ${left.name} was left behind by ${left.owner}, which the harness killed (${left.ownerStoppedBy}); removed` });
      continue;
    }
    if (policy === 'ignore') continue;
    const who = left.owner === 'server' ? 'a well-behaved server unlinks its socket on close' : 'a well-behaved peer unlinks the socket it bound on close';
    const message = `socket file ${left.name} was left in the run directory (leftoverSockets: ${policy}); ${who}`;
    if (policy === 'fail') failures.push({ code: 'LEFTOVER_SOCKET', ...(left.owner ? { peer: left.owner } : {}), message });
    else warnings.push({ code: 'LEFTOVER_SOCKET', message });
  }

  const fdPolicy = scenario.expect.fdLeaks;
  if (fdPolicy !== 'ignore') {
    const reported = new Set(record.timeline.filter((e) => e.ev === 'fail' && e.code === 'FD_LEAK').map((e) => e.peer));
    for (const event of record.timeline) {
      if (event.ev !== 'fds' || reported.has(event.peer) || !Array.isArray(event.leaked) || event.leaked.length === 0) continue;
      const message = `${event.peer} ended with descriptors it did not have at start: ${event.leaked.join(', ')} (fdLeaks: ${fdPolicy}); close every descriptor received or opened`;
      if (fdPolicy === 'fail') failures.push({ code: 'FD_LEAK', peer: event.peer, message });
      else warnings.push({ code: 'FD_LEAK', message });
    }
  }
  return { failures, warnings };
};
