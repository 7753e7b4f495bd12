import type { Failure, Warning } from './result';
import type { Verdict } from './verdict';

/**
 * Socket files left in the run directory, per `leftoverSockets`. A file whose owner the harness
 * had to kill (timeout, abort, readiness, or SIGKILL after a planned stop's grace) is a
 * consequence of that, judged elsewhere, so it is only a warning. An owner that had its planned
 * stop's signal and the chance to unlink is held to the policy: a server should unlink on SIGTERM.
 * (Descriptor leaks are judged in descriptors.ts.)
 */
export const cleanupVerdict: Verdict = ({ scenario, record }) => {
  const failures: Failure[] = [];
  const warnings: Warning[] = [];
  const policy = scenario.expect.leftoverSockets;
  for (const left of record.leftoverSockets) {
    const owner = record.peers.find((p) => p.id === left.owner);
    const planned = left.ownerStoppedBy === 'planned-stop';
    const forced = left.ownerStoppedBy !== undefined && (!planned || owner?.signal === 'SIGKILL');
    if (forced) {
      warnings.push({ code: 'LEFTOVER_SOCKET', message: `socket file ${left.name} was left behind by ${left.owner}, which the harness killed (${left.ownerStoppedBy}); removed` });
      continue;
    }
    if (policy === 'ignore') continue;
    const stopSignal = owner?.plannedStop?.signal ?? 'SIGTERM';
    const who =
      planned && owner?.signal
        ? `${left.owner} died of ${owner.signal} from its planned stop without unlinking it; a well-behaved ${owner.role} handles ${stopSignal} and unlinks its socket`
        : left.owner === 'server'
          ? 'a well-behaved server unlinks its socket on close'
          : 'a well-behaved peer unlinks the socket it bound on close';
    const message = `socket file ${left.name} was left in the run directory (expect: { leftoverSockets: ${policy} }); ${who}`;
    if (policy === 'fail') failures.push({ code: 'LEFTOVER_SOCKET', ...(left.owner ? { peer: left.owner } : {}), message });
    else warnings.push({ code: 'LEFTOVER_SOCKET', message });
  }

  return { failures, warnings };
};
