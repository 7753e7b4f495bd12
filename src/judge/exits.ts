import type { ExitExpectation } from '../scenario/types';
import type { PeerRecord } from '../run/types';
import type { Failure, Warning } from './result';
import { keysFor } from './peers';
import type { Verdict } from './verdict';

/** The scripted peer's exit code after a `fail` event (src/peer/exit-codes.ts). */
const SCRIPTED_FAILED_EXIT = 1;

function declaredExit(peer: PeerRecord, declared: Record<string, ExitExpectation>): ExitExpectation | undefined {
  for (const key of keysFor(peer)) if (declared[key]) return declared[key];
  return undefined;
}

function describeEnd(peer: PeerRecord): string {
  return peer.signal ? `was killed by ${peer.signal}` : `exited with code ${peer.exitCode}`;
}

function describeExpected(expected: ExitExpectation): string {
  return expected.signal ? `expected to be killed by ${expected.signal}` : `expected ${expected.code ?? 0}`;
}

/**
 * Exit codes and signals against `expect.exit` (default: every peer exits 0). Peers the harness
 * stopped at a timeout, an abort or a failed readiness are left to those verdicts; an external
 * server the harness stopped once every client had ended passes unless an exit was declared for it.
 */
export const exitVerdict: Verdict = ({ scenario, record }) => {
  const failures: Failure[] = [];
  const warnings: Warning[] = [];
  const failedPeers = new Set(record.timeline.filter((e) => e.ev === 'fail').map((e) => e.peer));
  for (const peer of record.peers) {
    if (!peer.started || peer.spawnError) continue;
    if (peer.stoppedBy && peer.stoppedBy !== 'clients-done') continue;
    const declared = declaredExit(peer, scenario.expect.exit);
    if (peer.stoppedBy === 'clients-done' && !declared) {
      if (peer.signal === 'SIGKILL') {
        warnings.push({
          code: 'SLOW_SHUTDOWN',
          message: `${peer.id} ignored SIGTERM after every client had ended and was killed with SIGKILL; a well-behaved server exits on SIGTERM`,
        });
      }
      continue;
    }
    const expected: ExitExpectation = declared ?? { code: 0 };
    if (expected.signal) {
      if (peer.signal === expected.signal) continue;
      failures.push({ code: 'EXIT_MISMATCH', peer: peer.id, message: `${peer.id} ${describeEnd(peer)}, ${describeExpected(expected)}` });
      continue;
    }
    const code = expected.code ?? 0;
    if (peer.signal) {
      failures.push({
        code: 'PEER_CRASHED',
        peer: peer.id,
        cause: peer.signal,
        message: `${peer.id} was killed by ${peer.signal} (not declared; declare \`exit: { ${peer.id}: ${peer.signal} }\` if intended)`,
      });
      continue;
    }
    if (peer.exitCode === code) continue;
    // A scripted peer that reported a failed step exits 1 for it; the step failure says why.
    if (failedPeers.has(peer.id) && peer.exitCode === SCRIPTED_FAILED_EXIT) continue;
    failures.push({ code: 'EXIT_MISMATCH', peer: peer.id, message: `${peer.id} ${describeEnd(peer)}, ${describeExpected(expected)}` });
  }
  return { failures, warnings };
};
