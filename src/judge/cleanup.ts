import type { Failure, Warning } from './result';
import type { Verdict } from './verdict';

/**
 * Socket files left in the run directory, per `leftoverSockets`. A file whose owner the harness
 * had to kill (timeout, abort, readiness) is a consequence of that failure, so it is only a
 * warning. (Descriptor leaks are judged in descriptors.ts.)
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

  return { failures, warnings };
};
