// How a peer ended, in words: by itself or by the harness (and why, and when), and with what exit.
// Shared by the exit verdict's messages and the reports, so both say the same thing.
import type { PeerEnd, PlannedStopRecord } from '../run/types';

export interface PeerEndFacts {
  id: string;
  exitCode: number | null;
  signal: string | null;
  end: PeerEnd;
  plannedStop?: PlannedStopRecord;
}

/** "the clients ended" / "the server ended": what a planned stop counted from. */
function othersDone(stop: PlannedStopRecord): string {
  return stop.from === 'clients' ? 'the clients ended' : 'the server ended';
}

/** `exited with code 0` or `was killed by SIGTERM`. */
export function describeExit(peer: Pick<PeerEndFacts, 'exitCode' | 'signal'>): string {
  return peer.signal ? `was killed by ${peer.signal}` : `exited with code ${peer.exitCode}`;
}

/** What the harness did under a planned stop: `SIGTERM 2000 ms after the clients ended, then SIGKILL after the 2000 ms grace`. */
function describePlannedStop(stop: PlannedStopRecord): string {
  const killed = stop.sent.includes('SIGKILL') && stop.signal !== 'SIGKILL' ? `, then SIGKILL after the ${stop.graceMs} ms grace` : '';
  return `${stop.signal} ${stop.afterMs} ms after ${othersDone(stop)}${killed}`;
}

/** Who ended the peer: `ended by itself 503 ms after the clients ended`, `was stopped by the harness (…)`. */
export function describeEnder(peer: PeerEndFacts): string {
  const stop = peer.plannedStop;
  switch (peer.end) {
    case 'self':
      return stop?.endedAfterMs !== undefined ? `ended by itself ${stop.endedAfterMs} ms after ${othersDone(stop)}` : 'ended by itself';
    case 'planned-stop':
      return stop ? `was stopped by the harness (${describePlannedStop(stop)})` : 'was stopped by the harness';
    case 'timeout':
      return "was stopped at the run's timeout";
    case 'aborted':
      return 'was stopped when the run was aborted';
    case 'not-ready':
      return 'was stopped because the server never became ready';
    case 'teardown':
      return 'was stopped at teardown';
    case 'not-started':
      return 'was not started';
  }
}

/** One line: `server was stopped by the harness (SIGTERM 2000 ms after the clients ended) and exited with code 0`. */
export function describePeerEnd(peer: PeerEndFacts): string {
  if (peer.end === 'not-started') return `${peer.id} was not started`;
  return `${peer.id} ${describeEnder(peer)} and ${describeExit(peer)}`;
}
