// Planned stops (`stop:`): when the others are done, a peer gets `afterMs` to end by itself before
// the harness sends its stop signal, so a server that exits a moment after its last client is
// judged by its own exit and a daemon by how it answers the signal, never by a race with one.
import type { EventHub } from './event-channel';
import { monotonicNs } from './clock';
import { isRunning, type PeerProcess } from './spawn';
import { stopPeers } from './teardown';
import type { PlannedStopRecord } from './types';
import { settlesWithin } from './wait';

/** A planned stop in progress, with the moment it began (monotonic ns) to time the peer's end. */
export interface PlannedStop extends PlannedStopRecord {
  startedNs: number;
}

/** The peers whose end starts a peer's planned stop: a server's clients, a client's server. */
function othersOf(peer: PeerProcess, peers: PeerProcess[]): PeerProcess[] {
  return peer.plan.role === 'server' ? peers.filter((p) => p.plan.role === 'client') : peers.filter((p) => p.plan.role === 'server');
}

/** What a planned stop needs of the run: the event hub, and whether (and when) the run itself stops. */
export interface RunControl {
  hub: EventHub;
  stopped: Promise<unknown>;
  isStopped: () => boolean;
}

async function plannedStop(peer: PeerProcess, others: PeerProcess[], run: RunControl, stops: Map<string, PlannedStop>): Promise<string[]> {
  const { hub, stopped } = run;
  const policy = peer.plan.stop;
  // A peer with nobody to wait for (a server without clients) runs until it ends or the run stops.
  if (!policy || others.length === 0) return [];
  const first = await Promise.race([
    Promise.all(others.map((o) => o.ended)).then(() => 'others' as const),
    peer.ended.then(() => 'self' as const),
    stopped.then(() => 'stopped' as const),
  ]);
  if (first !== 'others' || !isRunning(peer) || run.isStopped()) return [];
  const stop: PlannedStop = { from: policy.from, afterMs: policy.afterMs, signal: policy.signal, graceMs: policy.graceMs, sent: [], startedNs: monotonicNs() };
  stops.set(peer.plan.id, stop);
  hub.harness('stop-wait', { target: peer.plan.id, from: policy.from, afterMs: policy.afterMs, signal: policy.signal });
  await settlesWithin(Promise.race([peer.ended, stopped]), policy.afterMs);
  if (!isRunning(peer) || run.isStopped()) return [];
  return stopPeers([peer], 'planned-stop', policy.graceMs, hub, {
    signal: policy.signal as NodeJS.Signals,
    onSignal: (_, signal) => stop.sent.push(signal),
  });
}

/**
 * Starts the planned stop of every peer that has one; each waits for its others to end, then for
 * `afterMs`, then stops the peer. The run's own stop (timeout, abort) overrides them all. `stops`
 * receives each planned stop that begins; the promise settles once every one is over, with the
 * problems of stopping, if any.
 */
export function superviseStops(peers: PeerProcess[], run: RunControl, stops: Map<string, PlannedStop>): Promise<string[]> {
  const all = peers.map((peer) =>
    plannedStop(peer, othersOf(peer, peers), run, stops).catch((err: Error) => [`planned stop of ${peer.plan.id} failed: ${err.message}`]),
  );
  return Promise.all(all).then((lists) => lists.flat());
}

/** Notes, when a peer exits, how long after its planned stop began; undefined if none began. */
export function noteEnd(stops: Map<string, PlannedStop>, id: string): number | undefined {
  const stop = stops.get(id);
  if (!stop) return undefined;
  stop.endedAfterMs = Math.round((monotonicNs() - stop.startedNs) / 1e6);
  return stop.endedAfterMs;
}

export function stopRecord(stop: PlannedStop | undefined): PlannedStopRecord | undefined {
  if (!stop) return undefined;
  const { startedNs: _, ...record } = stop;
  return { ...record, sent: [...record.sent] };
}
