import { execa, type Options } from 'execa';
import type { ChildProcess } from 'node:child_process';
import type { Duplex, Readable, Writable } from 'node:stream';
import { EVENTS_FD, RELAY_FD } from '../protocol/events';
import type { PeerPlan } from '../plan/types';
import { OutputTail } from './output-tail';
import { supervisorPath } from '../package/package-root';
import { resolveProgram } from '../plan/resolve-program';
import { settlesWithin } from './wait';

export interface PeerExit {
  exitCode: number | null;
  signal: string | null;
}

export interface SpawnFailure {
  code: string;
  message: string;
}

/** A spawned peer: the process, its captured output, and how it ended. */
export interface PeerProcess {
  plan: PeerPlan;
  /** absent when the program could not be found, so nothing was spawned */
  child?: ChildProcess;
  /** the supervisor's pid, which is also the id of the peer's process group */
  pid?: number;
  stdout: OutputTail;
  stderr: OutputTail;
  /** the harness's end of fd 3: the peer's event lines, only ever read */
  events?: Readable;
  /** the harness's end of fd 5 (scripted peers only): relayed events, only ever written */
  relay?: Writable;
  /** resolves once: the peer exited, or could not be started */
  ended: Promise<PeerExit | SpawnFailure>;
  exit?: PeerExit;
  spawnError?: SpawnFailure;
  /** the harness signalled it while it was still running */
  killedByHarness: boolean;
  stoppedBy?: StopReason;
  /** execa's own promise, settled once all stdio closed; awaited at teardown */
  settled: Promise<unknown>;
}

/** Why the harness signalled a peer: its planned stop (`stop:`), the run's end, or a failed start. */
export type StopReason = 'planned-stop' | 'timeout' | 'aborted' | 'not-ready' | 'teardown';

export function isRunning(peer: PeerProcess): boolean {
  return peer.pid !== undefined && peer.exit === undefined && peer.spawnError === undefined;
}

/** The supervisor's exit status and stderr line for an exec that failed after the pre-check (ENOEXEC, a race). */
const SUPERVISOR_EXEC_FAILED = 127;
const SUPERVISOR_EXEC_LINE = /^uds-fixture-supervise: cannot run '.*': .* \(([A-Z_]+)\)$/m;

function notStarted(plan: PeerPlan, failure: SpawnFailure): PeerProcess {
  return {
    plan,
    stdout: new OutputTail(),
    stderr: new OutputTail(),
    killedByHarness: false,
    spawnError: failure,
    ended: Promise.resolve(failure),
    settled: Promise.resolve(),
  };
}

/**
 * Starts a peer without a shell, under the supervisor (native/supervise.c), as the leader of its
 * own process group: teardown signals the whole group, so a peer's own children go with it, and
 * if the harness dies, even by SIGKILL, the supervisor sees its watch descriptor hang up and ends
 * the group. fd 3 is the event channel (peer → harness); `pairFd`, for address: pair, is
 * inherited at fd 4; a scripted peer gets the relay (harness → peer) at fd 5; the watch
 * descriptor comes after those and is closed before the program starts. One channel per
 * direction: a failed relay write (the peer is gone) cannot touch what is still to be read. execa's `cleanup` is left off: it does nothing for detached children, so
 * src/run/exit-guard.ts does that job instead.
 */
export function spawnPeer(plan: PeerPlan, pairFd?: number): PeerProcess {
  const [program, ...args] = plan.argv;
  const resolved = resolveProgram(program!, plan.env, plan.cwd);
  if (!('file' in resolved)) return notStarted(plan, resolved);

  const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'pipe', 'pipe', 'pipe'];
  if (pairFd !== undefined) stdio.push(pairFd);
  const relayed = plan.program === 'steps';
  if (relayed) {
    // fd 4 is the pair end or nothing; the relay has its own fixed number after it.
    while (stdio.length < RELAY_FD) stdio.push('ignore');
    stdio.push('pipe');
  }
  const watchFd = stdio.length;
  stdio.push('pipe');
  const subprocess = execa(supervisorPath(), [String(watchFd), '--', resolved.file, ...args], {
    // execa's types allow no integer past stderr, but execa hands a plain integer to
    // child_process.spawn unchanged, which inherits that descriptor in the child.
    stdio: stdio as unknown as Options['stdio'],
    // argv[0] as the scenario wrote it, for programs that look at their own name
    argv0: program!,
    detached: true,
    reject: false,
    // Output is read here, into bounded tails; execa's buffers keep the head, not the tail.
    buffer: false,
    env: plan.env,
    extendEnv: false,
    cwd: plan.cwd,
    forceKillAfterDelay: false,
    stripFinalNewline: false,
  });
  const settled = Promise.resolve(subprocess).catch(() => undefined);

  const peer: PeerProcess = {
    plan,
    child: subprocess,
    pid: subprocess.pid,
    stdout: new OutputTail(),
    stderr: new OutputTail(),
    events: (subprocess.stdio[EVENTS_FD] as Readable | null) ?? undefined,
    relay: relayed ? (((subprocess.stdio as unknown as Array<Writable | null>)[RELAY_FD] ?? undefined)) : undefined,
    killedByHarness: false,
    settled,
    ended: new Promise((resolve) => {
      subprocess.once('exit', (exitCode, signal) => {
        if (exitCode !== SUPERVISOR_EXEC_FAILED) {
          peer.exit = { exitCode, signal };
          resolve(peer.exit);
          return;
        }
        // Either the program exited 127 itself, or the supervisor could not exec it and said so
        // on stderr, which may still be on its way: the streams close within a moment.
        void settlesWithin(settled, 1_000).then(() => {
          const failed = SUPERVISOR_EXEC_LINE.exec(peer.stderr.text());
          // The supervisor did exit: teardown must see it gone, the judge see a spawn failure.
          peer.exit = { exitCode, signal };
          if (failed) {
            peer.spawnError = { code: failed[1]!, message: `spawn ${program} ${failed[1]}` };
            resolve(peer.spawnError);
          } else {
            resolve(peer.exit);
          }
        });
      });
      subprocess.once('error', (err: NodeJS.ErrnoException) => {
        // After a successful spawn, 'error' only reports a failed kill(); the exit still comes.
        if (subprocess.pid !== undefined) return;
        peer.spawnError = { code: err.code ?? 'SPAWN_FAILED', message: err.message };
        resolve(peer.spawnError);
      });
    }),
  };
  // Never written; read only so that its end-of-file, when the supervisor exits, closes it and
  // lets execa settle.
  (subprocess.stdio[watchFd] as Duplex | null)?.resume();
  subprocess.stdout?.on('data', (chunk: Buffer) => peer.stdout.push(chunk));
  subprocess.stderr?.on('data', (chunk: Buffer) => peer.stderr.push(chunk));
  return peer;
}
