import { execa, type Options } from 'execa';
import type { ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { PeerPlan } from '../plan/types';
import { OutputTail } from './output-tail';

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
  child: ChildProcess;
  pid?: number;
  stdout: OutputTail;
  stderr: OutputTail;
  /** the harness's end of fd 3 */
  channel?: Duplex;
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

export type StopReason = 'clients-done' | 'timeout' | 'aborted' | 'not-ready' | 'teardown';

export function isRunning(peer: PeerProcess): boolean {
  return peer.pid !== undefined && peer.exit === undefined && peer.spawnError === undefined;
}

/**
 * Starts a peer without a shell, as the leader of its own process group (teardown signals the
 * whole group, so a peer's own children go with it). fd 3 is the event channel, a socket both
 * ways; `pairFd`, for address: pair, is inherited at fd 4. execa's `cleanup` is left off: it
 * does nothing for detached children, so src/run/exit-guard.ts does that job instead.
 */
export function spawnPeer(plan: PeerPlan, pairFd?: number): PeerProcess {
  const stdio: ['ignore', 'pipe', 'pipe', 'pipe', ...number[]] = ['ignore', 'pipe', 'pipe', 'pipe'];
  if (pairFd !== undefined) stdio.push(pairFd);
  const [file, ...args] = plan.argv;
  const subprocess = execa(file!, args, {
    // execa's types allow no integer past stderr, but execa hands a plain integer to
    // child_process.spawn unchanged, which inherits that descriptor in the child.
    stdio: stdio as unknown as Options['stdio'],
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
    channel: (subprocess.stdio[3] as Duplex | null) ?? undefined,
    killedByHarness: false,
    settled,
    ended: new Promise((resolve) => {
      subprocess.once('exit', (exitCode, signal) => {
        peer.exit = { exitCode, signal };
        resolve(peer.exit);
      });
      subprocess.once('error', (err: NodeJS.ErrnoException) => {
        // After a successful spawn, 'error' only reports a failed kill(); the exit still comes.
        if (subprocess.pid !== undefined) return;
        peer.spawnError = { code: err.code ?? 'SPAWN_FAILED', message: err.message };
        resolve(peer.spawnError);
      });
    }),
  };
  subprocess.stdout?.on('data', (chunk: Buffer) => peer.stdout.push(chunk));
  subprocess.stderr?.on('data', (chunk: Buffer) => peer.stderr.push(chunk));
  return peer;
}
