import type { PeerPlan, PlannedRun } from '../plan/types';
import type { PeerEvent } from '../protocol/events';
import { EventHub } from './event-channel';
import { guardRun, type ExitGuard } from './exit-guard';
import { noteEnd, stopRecord, superviseStops, type PlannedStop } from './lifecycle';
import { NotReadyError, waitUntilReady } from './readiness';
import { openSocketPair, type SocketPairEnds } from './socket-pair';
import { spawnPeer, type PeerProcess, type StopReason } from './spawn';
import { makeRunDir } from './make-run-dir';
import { removeRunDir } from './run-dir';
import { teardown } from './teardown';
import { startRunProxy, type RunProxy } from './proxy';
import { monotonicNs } from './clock';
import { startupMs } from './startup-time';
import { RunDeadline } from './timeouts';
import type { LeftoverSocket, NotReadyRecord, PeerRecord, RunRecord } from './types';

export interface ExecuteOptions {
  /** aborts the run: peers are stopped, everything removed, and the record says `aborted` */
  signal?: AbortSignal;
  /** sees every event as it happens (live reporting); must not throw */
  onEvent?: (event: PeerEvent) => void;
}

function startPeer(plan: PeerPlan, pair: SocketPairEnds | undefined, hub: EventHub, onGroup: (pgid: number) => void, stops: Map<string, PlannedStop>): PeerProcess {
  const pairFd = plan.pairEnd !== undefined && pair ? pair.fds[plan.pairEnd] : undefined;
  // Dated as the spawn began: on a loaded machine fork and exec of the supervisor take a while,
  // and that is start-up (src/run/startup-time.ts), not the peer's run time.
  const spawning = monotonicNs();
  const peer = spawnPeer(plan, pairFd);
  if (peer.pid !== undefined) onGroup(peer.pid);
  if (peer.events) hub.attach(plan.id, peer.events, peer.relay);
  // `pgid`: the peer's process group (the supervisor leads it), so that `expectPeer: { pid }` can
  // recognise any process of a `run:` program; `program` says whether a `start` event will follow.
  hub.harness('spawn', { target: plan.id, program: plan.program, ...(peer.pid !== undefined ? { pid: peer.pid, pgid: peer.pid } : {}) }, spawning);
  void peer.ended.then((end) => {
    if ('message' in end) {
      hub.harness('spawn-error', { target: plan.id, code: end.code, message: end.message });
      return;
    }
    // How it ended, for the timeline: by itself, or by the harness (and why); and when a planned
    // stop had begun, how long after the others were done.
    const afterMs = noteEnd(stops, plan.id);
    const stop = stops.get(plan.id);
    hub.harness('exit', {
      target: plan.id,
      code: end.exitCode,
      signal: end.signal,
      end: peer.stoppedBy ?? 'self',
      ...(afterMs !== undefined && stop ? { afterMs, from: stop.from } : {}),
    });
  });
  return peer;
}

function peerRecord(plan: PeerPlan, peer: PeerProcess | undefined, stop: PlannedStop | undefined): PeerRecord {
  if (!peer) {
    return { id: plan.id, role: plan.role, argv: plan.argv, started: false, exitCode: null, signal: null, killedByHarness: false, end: 'not-started', stdout: '', stderr: '' };
  }
  const plannedStop = stopRecord(stop);
  const started = peer.pid !== undefined && !peer.spawnError;
  return {
    id: plan.id,
    role: plan.role,
    argv: plan.argv,
    ...(peer.pid !== undefined ? { pid: peer.pid } : {}),
    started,
    exitCode: peer.exit?.exitCode ?? null,
    signal: peer.exit?.signal ?? null,
    killedByHarness: peer.killedByHarness,
    ...(peer.stoppedBy ? { stoppedBy: peer.stoppedBy } : {}),
    end: !started ? 'not-started' : (peer.stoppedBy ?? 'self'),
    ...(plannedStop ? { plannedStop } : {}),
    stdout: peer.stdout.text(),
    stderr: peer.stderr.text(),
    ...(peer.spawnError ? { spawnError: peer.spawnError } : {}),
  };
}

/**
 * Runs a plan. The run owns everything it makes: it makes the run directory and the planned files
 * (src/run/make-run-dir.ts), runs the peers, and in one finally stops every process group, closes
 * every descriptor and removes the directory. Rejects, leaving nothing, only when the directory
 * cannot be made (an unsafe temp base: PlanError); everything after is in the record.
 */
export async function executePlan(plan: PlannedRun, options: ExecuteOptions = {}): Promise<RunRecord> {
  await makeRunDir(plan);
  const guard = guardRun(plan.dir);
  let record: RunRecord | undefined;
  try {
    record = await runPeers(plan, options, guard);
  } finally {
    try {
      await removeRunDir(plan.dir);
    } catch (err) {
      record?.harnessErrors.push(`removing ${plan.dir}: ${(err as Error).message}`);
    }
    guard.release();
  }
  return record;
}

/**
 * The peers of a run: the server first, the clients together once it is ready, then waits for
 * the peers to end. A peer with a planned stop (by default a `run:` server, once every client has
 * ended) gets its `stop.after` to end by itself, then its stop signal (src/run/lifecycle.ts); a
 * scripted peer finishes its own steps. Whatever happens, one teardown stops every process
 * group and closes every descriptor.
 */
async function runPeers(plan: PlannedRun, options: ExecuteOptions, guard: ExitGuard): Promise<RunRecord> {
  const startedAt = Date.now();
  const hub = new EventHub();
  if (options.onEvent) hub.on(options.onEvent);
  // The run's timeout does not count the time its scripted peers took to start (src/run/startup-time.ts).
  const deadline = new RunDeadline(plan.timeouts.runMs, options.signal, () => startupMs(hub.timeline(), monotonicNs()));
  const peers = new Map<string, PeerProcess>();
  const harnessErrors: string[] = [];
  let notReady: NotReadyRecord | undefined;
  let pair: SocketPairEnds | undefined;
  let proxy: RunProxy | undefined;
  let leftoverSockets: LeftoverSocket[] = [];
  const stops = new Map<string, PlannedStop>();
  let planned: Promise<string[]> | undefined;
  const stopped = deadline.whenStopped();
  void stopped.then((cause) => hub.harness(cause, cause === 'timeout' ? { ms: plan.timeouts.runMs } : {}));

  try {
    if (plan.socket.address === 'pair') pair = await openSocketPair(plan.socket.type);
    if (plan.proxy) proxy = startRunProxy(plan, hub);
    const start = (p: PeerPlan): PeerProcess => {
      const peer = startPeer(p, pair, hub, guard.addGroup, stops);
      peers.set(p.id, peer);
      return peer;
    };
    const serverPlan = plan.peers.find((p) => p.role === 'server');
    const server = serverPlan && !deadline.cause ? start(serverPlan) : undefined;
    if (server) {
      try {
        await waitUntilReady(server, hub, deadline.signal);
        if (!deadline.cause) hub.harness('ready', { target: server.plan.id });
      } catch (err) {
        if (!(err instanceof NotReadyError)) throw err;
        notReady = { peer: err.peer, waitedFor: err.waitedFor, message: err.message };
        hub.harness('not-ready', { target: err.peer, message: err.message });
      }
    }
    const clients = !notReady && !deadline.cause ? plan.peers.filter((p) => p.role === 'client').map(start) : [];
    // Every peer holds its own end now (spawn duplicates descriptors synchronously).
    pair?.close();
    if (!notReady && !deadline.cause) {
      const running = server ? [server, ...clients] : clients;
      planned = superviseStops(running, { hub, stopped, isStopped: () => deadline.cause !== undefined }, stops);
      await Promise.race([Promise.all([...running.map((p) => p.ended), planned]), stopped]);
    }
  } catch (err) {
    harnessErrors.push(`run failed: ${(err as Error).message}`);
  } finally {
    pair?.close();
    const reason: StopReason = deadline.cause ?? (notReady ? 'not-ready' : 'teardown');
    deadline.dispose();
    const outcome = await teardown(plan, [...peers.values()], hub, reason, proxy ? () => proxy!.stop() : undefined);
    harnessErrors.push(...outcome.problems);
    // A planned stop under way when the run stopped ends with the groups teardown emptied.
    if (planned) harnessErrors.push(...(await planned));
    leftoverSockets = outcome.leftoverSockets;
  }

  return {
    dir: plan.dir,
    startedAt,
    durationMs: Date.now() - startedAt,
    peers: plan.peers.map((p) => peerRecord(p, peers.get(p.id), stops.get(p.id))),
    timeline: hub.timeline(),
    leftoverSockets,
    timedOut: deadline.cause === 'timeout',
    aborted: deadline.cause === 'aborted',
    timeoutMs: plan.timeouts.runMs,
    ...(notReady ? { notReady } : {}),
    warnings: hub.warnings,
    harnessErrors,
  };
}
