// How long a run spent waiting for its scripted peers to start: from the harness's `spawn` of a
// peer to that peer's `start` event, the union over peers (clients start side by side, so their
// start-ups overlap). On a loaded machine this is seconds of Node start-up that no step could use,
// so the run's timeout does not count it (RunDeadline's allowance), and the TIMEOUT verdict says how long it was.
import type { PeerEvent } from '../protocol/events';

/**
 * How much start-up a run's clock may leave out: as much as its timeout, and at least 10 s. Node's
 * start-up does not shrink with a short `--timeout 300ms`: a cap of the timeout alone let a loaded
 * machine's 400 ms start-up end such a run before its server had started. The cap keeps a peer that
 * never starts from holding the run forever.
 */
export const MIN_START_ALLOWANCE_MS = 10_000;

export function startAllowanceCapMs(timeoutMs: number): number {
  return Math.max(timeoutMs, MIN_START_ALLOWANCE_MS);
}

/**
 * Milliseconds during which at least one scripted peer was spawned but not yet started; a peer
 * still starting counts until `untilNs` (monotonic ns) when given, and not at all otherwise.
 */
export function startupMs(events: readonly PeerEvent[], untilNs?: number): number {
  const spawned = new Map<string, number>();
  const intervals: Array<[number, number]> = [];
  for (const e of events) {
    if (e.peer === 'harness' && e.ev === 'spawn' && e.program === 'steps' && typeof e.target === 'string') spawned.set(e.target, e.t);
    else if (e.ev === 'start' && spawned.has(e.peer)) {
      intervals.push([spawned.get(e.peer)!, e.t]);
      spawned.delete(e.peer);
    }
  }
  if (untilNs !== undefined) for (const from of spawned.values()) if (from < untilNs) intervals.push([from, untilNs]);
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of intervals) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total / 1e6;
}
