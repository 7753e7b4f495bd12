import { constants } from 'node:os';
import type { ExitExpectation } from '../scenario/types';
import type { PeerRecord } from '../run/types';
import { describeEnder, describeExit } from './peer-end';
import type { Failure } from './result';
import { keysFor } from './peers';
import type { Verdict } from './verdict';

/** The scripted peer's exit code after a `fail` event (src/peer/exit-codes.ts). */
const SCRIPTED_FAILED_EXIT = 1;

function declaredExit(peer: PeerRecord, declared: Record<string, ExitExpectation>): ExitExpectation | undefined {
  for (const key of keysFor(peer)) if (declared[key]) return declared[key];
  return undefined;
}

function describeExpected(expected: ExitExpectation): string {
  return expected.signal ? `expected to be killed by ${expected.signal}` : `expected ${expected.code ?? 0}`;
}

function meets(peer: PeerRecord, expected: ExitExpectation): boolean {
  return expected.signal ? peer.signal === expected.signal : peer.signal === null && peer.exitCode === (expected.code ?? 0);
}

/** The exit code of a program that handles `signal` by exiting as a shell reports death by it (128 + N). */
function shellCodeOf(signal: string): number | undefined {
  const n = (constants.signals as Record<string, number>)[signal];
  return n === undefined ? undefined : 128 + n;
}

/**
 * A peer the harness stopped under its planned stop (`stop:`). It is judged by how it answered:
 * against `exit:` when declared (a daemon that must exit 0 on SIGTERM declares `exit: { server: 0 }`);
 * otherwise any usual answer to the stop signal passes — exit 0, death by that signal, or exit
 * 128 + its number (what a handler that re-exits "as killed" returns) — and needing SIGKILL after
 * the grace, or exiting with another code, fails.
 */
function judgePlannedStop(peer: PeerRecord, declared: ExitExpectation | undefined): Failure | undefined {
  const stop = peer.plannedStop;
  const stopSignal = stop?.signal ?? 'SIGTERM';
  const how = `${peer.id} ${describeEnder(peer)} and ${describeExit(peer)}`;
  const killedAfterGrace = peer.signal === 'SIGKILL' && stopSignal !== 'SIGKILL';
  if (declared) {
    if (meets(peer, declared)) return undefined;
    let hint = '';
    if (killedAfterGrace) hint = `; it did not end within the grace after ${stopSignal}`;
    else if (peer.signal === stopSignal && !declared.signal) hint = `; a program that must exit ${declared.code ?? 0} handles ${stopSignal} and exits, or declare \`exit: { ${peer.id}: ${stopSignal} }\``;
    return { code: 'EXIT_MISMATCH', peer: peer.id, ...(peer.signal ? { cause: peer.signal } : {}), message: `${how}, ${describeExpected(declared)}${hint}` };
  }
  const shellCode = shellCodeOf(stopSignal);
  if (peer.signal === stopSignal || (peer.signal === null && (peer.exitCode === 0 || peer.exitCode === shellCode))) return undefined;
  if (killedAfterGrace) {
    return {
      code: 'EXIT_MISMATCH',
      peer: peer.id,
      cause: 'SIGKILL',
      message: `${how}: it did not end on ${stopSignal}; handle ${stopSignal}, name the signal it ends on with \`stop: { signal: … }\`, or declare \`exit: { ${peer.id}: SIGKILL }\` if intended`,
    };
  }
  if (peer.signal) {
    return { code: 'PEER_CRASHED', peer: peer.id, cause: peer.signal, message: `${how} (not declared; declare \`exit: { ${peer.id}: ${peer.signal} }\` if intended)` };
  }
  return {
    code: 'EXIT_MISMATCH',
    peer: peer.id,
    message: `${how}; a planned stop expects exit code 0, ${stopSignal}${shellCode !== undefined ? ` or code ${shellCode} (128 + ${stopSignal})` : ''} unless \`exit:\` says otherwise; declare \`exit: { ${peer.id}: ${peer.exitCode} }\` if intended`,
  };
}

/**
 * Exit codes and signals against `expect.exit` (default: every peer exits 0). Peers the harness
 * stopped at a timeout, an abort or a failed readiness are left to those verdicts; a peer stopped by
 * its planned stop is judged by how it answered the stop signal (judgePlannedStop); a peer that
 * ended by itself, by its exit. Its message does not say when it ended: whether that was before or
 * just after its others is a race in a run like a server that exits on a bad line as its client
 * fails, and the same failure must read the same in every run; the reports tell when, under "how
 * the peers ended" (src/report/failure-text.ts).
 */
export const exitVerdict: Verdict = ({ scenario, record }) => {
  const failures: Failure[] = [];
  const failedPeers = new Set(record.timeline.filter((e) => e.ev === 'fail').map((e) => e.peer));
  for (const peer of record.peers) {
    if (!peer.started || peer.spawnError) continue;
    const declared = declaredExit(peer, scenario.expect.exit);
    if (peer.end === 'planned-stop') {
      const failure = judgePlannedStop(peer, declared);
      if (failure) failures.push(failure);
      continue;
    }
    if (peer.end !== 'self') continue;
    const expected: ExitExpectation = declared ?? { code: 0 };
    if (expected.signal) {
      if (peer.signal === expected.signal) continue;
      failures.push({ code: 'EXIT_MISMATCH', peer: peer.id, message: `${peer.id} ${describeExit(peer)}, ${describeExpected(expected)}` });
      continue;
    }
    if (peer.signal) {
      failures.push({
        code: 'PEER_CRASHED',
        peer: peer.id,
        cause: peer.signal,
        message: `${peer.id} was killed by ${peer.signal} (not declared; declare \`exit: { ${peer.id}: ${peer.signal} }\` if intended)`,
      });
      continue;
    }
    if (peer.exitCode === (expected.code ?? 0)) continue;
    // A scripted peer that reported a failed step exits 1 for it; the step failure says why.
    if (failedPeers.has(peer.id) && peer.exitCode === SCRIPTED_FAILED_EXIT) continue;
    failures.push({ code: 'EXIT_MISMATCH', peer: peer.id, message: `${peer.id} ${describeExit(peer)}, ${describeExpected(expected)}` });
  }
  return { failures };
};
