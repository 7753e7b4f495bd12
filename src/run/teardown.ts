import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { PlannedRun } from '../plan/types';
import type { EventHub } from './event-channel';
import { groupAlive, signalGroup } from './process-group';
import { isRunning, type PeerProcess, type StopReason } from './spawn';
import { delay, settlesWithin } from './wait';

/** After SIGKILL a process ends at once unless stuck in the kernel; this bounds the wait anyway. */
const AFTER_KILL_WAIT_MS = 5_000;
/** How long teardown waits for the event channels of exited peers to be read to their end. */
const CHANNEL_DRAIN_MS = 1_000;
/** How long a stop waits for a relay its peer has left full before it signals anyway. */
const RELAY_FLUSH_MS = 250;
/** Interval of the check that a peer's process group has emptied (its own children gone too). */
const GROUP_POLL_MS = 20;

export interface LeftoverSocket {
  /** path relative to the run directory */
  name: string;
  /** the peer whose own socket file it is, if any */
  owner?: string;
  /** how the owner ended: stopped by the harness (it had no chance to unlink), or on its own */
  ownerStoppedBy?: StopReason;
}

/**
 * Waits until the peer's leader has exited and its group is empty, or the deadline passes. A
 * member that died but is not yet reaped by init still counts, so under a slow-reaping init
 * (some containers) this can take until the deadline; it stays bounded.
 */
async function waitGone(peer: PeerProcess, deadline: number): Promise<boolean> {
  if (peer.pid === undefined) return true;
  await settlesWithin(peer.ended, deadline - Date.now());
  while (true) {
    const gone = peer.exit !== undefined && !groupAlive(peer.pid);
    if (gone || Date.now() >= deadline) return gone;
    await delay(Math.min(GROUP_POLL_MS, Math.max(1, deadline - Date.now())));
  }
}

export interface StopOptions {
  /** sent first (default SIGTERM); SIGKILL follows after the grace */
  signal?: NodeJS.Signals;
  /** told of each signal sent to a peer that was still running */
  onSignal?: (peer: PeerProcess, signal: NodeJS.Signals) => void;
}

/**
 * Stops peers: `signal` (SIGTERM) to each process group (also groups whose leader already exited,
 * where its children may linger), SIGKILL to what remains after `graceMs`, then waits for the
 * exits. The stop is announced to the scripted peers (their relays) before the first signal. A
 * group id is only signalled after its leader was spawned by this run, and a group
 * outlives its leader only while members remain, so the id cannot belong to anyone else yet.
 * The timeline gets a `kill` event per signal, or `stop` for the first signal of a planned stop
 * (which is not a failure). Returns problems that deserve a place in the record.
 */
export async function stopPeers(peers: PeerProcess[], reason: StopReason, graceMs: number, hub: EventHub, options: StopOptions = {}): Promise<string[]> {
  const signal = options.signal ?? 'SIGTERM';
  const problems: string[] = [];
  const started = peers.filter((p) => p.pid !== undefined);
  for (const peer of started) {
    if (isRunning(peer)) {
      peer.killedByHarness = true;
      peer.stoppedBy = reason;
      hub.harness(reason === 'planned-stop' ? 'stop' : 'kill', { target: peer.plan.id, pid: peer.pid, signal, reason });
      options.onSignal?.(peer, signal);
    }
  }
  // Every scripted peer has the stop on its relay before any peer is signalled: one whose step
  // then fails because another peer died first (its end-of-file, ECONNRESET) finds it there and
  // waits for its own signal, instead of failing in a race with it (src/peer/runner.ts).
  await hub.relayNow(RELAY_FLUSH_MS);
  for (const peer of started) signalGroup(peer.pid!, signal);
  const graceEnd = Date.now() + graceMs;
  const afterGrace = await Promise.all(started.map((peer) => waitGone(peer, graceEnd)));
  const stubborn = started.filter((_, i) => !afterGrace[i]);
  if (stubborn.length === 0) return problems;

  for (const peer of stubborn) {
    hub.harness('kill', { target: peer.plan.id, pid: peer.pid, signal: 'SIGKILL', reason });
    if (isRunning(peer)) options.onSignal?.(peer, 'SIGKILL');
    signalGroup(peer.pid!, 'SIGKILL');
  }
  const killEnd = Date.now() + AFTER_KILL_WAIT_MS;
  const afterKill = await Promise.all(stubborn.map((peer) => waitGone(peer, killEnd)));
  stubborn.forEach((peer, i) => {
    if (!afterKill[i]) problems.push(`${peer.plan.id} (process group ${peer.pid}) was still present ${AFTER_KILL_WAIT_MS} ms after SIGKILL`);
  });
  return problems;
}

/** Socket files anywhere under the run directory, attributed to the peer that owns the path. */
async function findSocketFiles(plan: PlannedRun, peers: PeerProcess[]): Promise<LeftoverSocket[]> {
  const found: LeftoverSocket[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isSocket()) {
        const owner = peers.find((p) => p.plan.ownPath === full);
        found.push({
          name: path.relative(plan.dir, full),
          ...(owner ? { owner: owner.plan.id } : {}),
          ...(owner?.stoppedBy ? { ownerStoppedBy: owner.stoppedBy } : {}),
        });
      }
    }
  };
  await walk(plan.dir);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export interface TeardownOutcome {
  leftoverSockets: LeftoverSocket[];
  problems: string[];
}

/**
 * The teardown of a run's processes: stop every peer (group by group), then `afterPeers` (the
 * proxy), close the event channels and every stdio stream, note the socket files left behind (the
 * run directory itself goes last, in executePlan's finally). Every part runs even when an earlier
 * one failed.
 */
/** Settles when the peer's stdout and stderr have been read to their end (or failed). */
function outputEnds(peer: PeerProcess): Promise<void>[] {
  const streams = [peer.child?.stdout, peer.child?.stderr].filter((s): s is NonNullable<typeof s> => s != null);
  return streams.map(
    (stream) =>
      new Promise<void>((resolve) => {
        if (stream.readableEnded || stream.destroyed) return resolve();
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      }),
  );
}

export async function teardown(plan: PlannedRun, peers: PeerProcess[], hub: EventHub, reason: StopReason, afterPeers?: () => Promise<string[]>): Promise<TeardownOutcome> {
  const problems: string[] = [];
  const attempt = async (what: string, job: () => Promise<unknown>): Promise<void> => {
    try {
      await job();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  await attempt('stopping peers', async () => problems.push(...(await stopPeers(peers, reason, plan.timeouts.graceMs, hub))));
  // Every process is gone: read what they wrote last (events, and stdout/stderr, which a program
  // may have written just before it exited) before closing anything. Bounded: a descendant that
  // escaped with a copy of a pipe would keep it open.
  await Promise.all([hub.drain(CHANNEL_DRAIN_MS), settlesWithin(Promise.all(peers.flatMap((p) => outputEnds(p))), CHANNEL_DRAIN_MS).catch(() => undefined)]);
  // What outlives the peers in the run directory (the proxy) stops before the directory is searched,
  // and after the peers' last events are in: it names each connection after the peer whose `start`
  // announced the pid that connected.
  if (afterPeers) await attempt('stopping the proxy', async () => problems.push(...(await afterPeers())));
  hub.close();
  for (const peer of peers) {
    for (const stream of peer.child?.stdio ?? []) stream?.destroy();
  }
  // Bounded: with every stream destroyed execa settles at once.
  await attempt('waiting for peer processes', () => settlesWithin(Promise.all(peers.map((p) => p.settled)), 1_000));
  let leftoverSockets: LeftoverSocket[] = [];
  await attempt('listing socket files', async () => {
    leftoverSockets = await findSocketFiles(plan, peers);
  });
  return { leftoverSockets, problems };
}
