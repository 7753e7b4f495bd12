import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { RUN_DIR_PREFIX } from '../plan/run-base';
import { removeRunDir } from './run-dir';
import { processStartTime, readRunMarker, type OwnerRecord } from './run-marker';

/** True unless the process is certainly gone. EPERM means it exists under another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * True when the harness that made a run directory is certainly gone: its pid is free, or (on
 * Linux, where the marker records the owner's start time) the pid now belongs to a process that
 * started at another time. Without a start time, a reused pid only delays the removal.
 */
function ownerGone(owner: OwnerRecord): boolean {
  if (owner.pidStart !== null) {
    const now = processStartTime(owner.pid);
    if (now === undefined) return true;
    if (now !== null) return now !== owner.pidStart;
  }
  return owner.pid !== process.pid && !isProcessAlive(owner.pid);
}

/**
 * Removes run directories under `base` whose owner process is gone (a harness killed with
 * SIGKILL cannot clean up after itself). Only a directory uds-fixture provably made is removed:
 * one whose marker names that very directory and this user (readRunMarker). A directory without
 * a valid marker is never touched, whatever its name; one whose owner lives is left to it.
 * Returns the removed paths.
 */
export async function reapStaleRunDirs(base: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(base, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const entry of entries) {
    // Dirent types do not follow symlinks: a planted link is never followed into. The prefix
    // only spares reading entries no run could have made; the marker decides.
    if (!entry.isDirectory() || !entry.name.startsWith(RUN_DIR_PREFIX)) continue;
    const dir = path.join(base, entry.name);
    try {
      const owner = await readRunMarker(dir);
      if (owner === undefined || !ownerGone(owner)) continue;
      await removeRunDir(dir);
      removed.push(dir);
    } catch {
      // Another sweep got there first, or the entry cannot be removed; the run being started
      // does not depend on it, and a later sweep tries again.
    }
  }
  return removed;
}
