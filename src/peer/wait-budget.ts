// How long a scripted peer's socket operation may block in poll(2) before it waits on the event
// loop (UnixSocket.waitBudget). A peer is a process of its own whose socket is its work: besides
// its steps, its loop only writes paced events, reads its relay, runs step timers and takes
// SIGTERM (which ends a wait at once), all of them delayed by at most this. Off by default: on the
// shared 2-core machine (load 13 to 22) it did not make the scripted round trip measurably faster,
// and it made the socket-API round trip slower in every paired run (bench/RESULTS.md,
// 2026-12-02 third session); UDS_FIXTURE_PEER_WAIT_US turns it on.
import { MAX_WAIT_BUDGET_US } from '../socket';
import { LaunchError } from './launch';

export const PEER_WAIT_BUDGET_US = 0;

/** The budget: UDS_FIXTURE_PEER_WAIT_US (0: off) or the default. */
export function peerWaitBudget(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.UDS_FIXTURE_PEER_WAIT_US;
  if (text === undefined || text === '') return PEER_WAIT_BUDGET_US;
  const us = Number(text);
  if (!/^\d+$/.test(text) || us > MAX_WAIT_BUDGET_US) {
    throw new LaunchError(undefined, `UDS_FIXTURE_PEER_WAIT_US must be a whole number of microseconds from 0 (off) to ${MAX_WAIT_BUDGET_US}, got ${JSON.stringify(text)}`);
  }
  return us;
}
