import { rmSync } from 'node:fs';

interface GuardedRun {
  dir: string;
  groups: Set<number>;
}

const live = new Set<GuardedRun>();

/**
 * If the harness process exits while runs are in flight (process.exit() in a test, an uncaught
 * error), their process groups get SIGKILL and their directories go, synchronously, since nothing
 * async runs in 'exit'. A harness killed by a signal cannot do this: scripted peers then exit on
 * their own when their event channel closes, and the next run's reaper removes the directory.
 */
function onExit(): void {
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

export interface ExitGuard {
  addGroup(pgid: number): void;
  release(): void;
}

export function guardRun(dir: string): ExitGuard {
  const run: GuardedRun = { dir, groups: new Set() };
  if (live.size === 0) process.on('exit', onExit);
  live.add(run);
  return {
    addGroup: (pgid) => run.groups.add(pgid),
    release: () => {
      if (!live.delete(run)) return;
      if (live.size === 0) process.off('exit', onExit);
    },
  };
}
