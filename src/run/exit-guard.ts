import { rmSync } from 'node:fs';
import { runInThisContext } from 'node:vm';

/**
 * The real process object. Jest hands test code a copy of `process` whose 'exit' and signal
 * listeners never fire; code compiled in the main context sees the original, here and anywhere.
 */
const host = runInThisContext('process') as NodeJS.Process;

interface GuardedRun {
  dir: string;
  groups: Set<number>;
}

const live = new Set<GuardedRun>();

/** Signals that end a Node process by default and can be caught. */
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** SIGKILL to every live run's process groups and removal of their directories, synchronously. */
function killLiveRuns(): void {
  for (const run of live) {
    for (const pgid of run.groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(run.dir, { recursive: true, force: true });
  }
  live.clear();
}

/**
 * If the harness process exits while runs are in flight (process.exit() in a test, an uncaught
 * error), their process groups get SIGKILL and their directories go, synchronously, since nothing
 * async runs in 'exit'.
 */
function onExit(): void {
  killLiveRuns();
}

/**
 * A signal that would end the process (Ctrl-C to Jest, SIGTERM from a CI runner) gets the same
 * treatment, and is then raised again so the process ends exactly as it would have. When the
 * host has its own listener (the uds-fixture CLI aborts runs and tears down gracefully), the
 * signal is the host's business and this does nothing. A harness killed by SIGKILL runs no code
 * at all: then each peer's supervisor ends its group, and the next run's reaper removes the
 * directory.
 */
function onFatalSignal(signal: NodeJS.Signals): void {
  if (host.listenerCount(signal) > 1) return;
  killLiveRuns();
  uninstall();
  host.kill(host.pid, signal);
}

/**
 * A worker process that talks to its parent over IPC (a Jest worker) loses the channel when the
 * parent goes: SIGTERM to Jest alone ends Jest, not its workers, and a worker's peers' supervisors
 * watch the worker, not Jest. Nobody will ever read this process's results then: its runs are
 * killed and removed, and the orphan ends itself.
 */
function onParentGone(): void {
  killLiveRuns();
  uninstall();
  host.exit(1);
}

function install(): void {
  host.on('exit', onExit);
  for (const signal of FATAL_SIGNALS) host.on(signal, onFatalSignal);
  if (host.connected) host.on('disconnect', onParentGone);
}

function uninstall(): void {
  host.off('exit', onExit);
  for (const signal of FATAL_SIGNALS) host.off(signal, onFatalSignal);
  host.off('disconnect', onParentGone);
}

export interface ExitGuard {
  addGroup(pgid: number): void;
  release(): void;
}

export function guardRun(dir: string): ExitGuard {
  const run: GuardedRun = { dir, groups: new Set() };
  if (live.size === 0) install();
  live.add(run);
  return {
    addGroup: (pgid) => run.groups.add(pgid),
    release: () => {
      if (!live.delete(run)) return;
      if (live.size === 0) uninstall();
    },
  };
}
