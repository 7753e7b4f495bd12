import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OWNER_FILE, RUN_DIR_PREFIX, removeRunDir } from '../plan/run-dir';

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
 * The pid that owns a run directory: from its owner file, or, while that file is still being
 * written by a run that just made the directory, from the name `r-<pid36>-<random>`.
 */
async function ownerPid(dir: string): Promise<number | undefined> {
  try {
    const owner = JSON.parse(await readFile(path.join(dir, OWNER_FILE), 'utf8')) as { pid?: unknown };
    if (typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0) return owner.pid;
  } catch {
    // fall back to the name
  }
  const match = /^r-([0-9a-z]+)-/.exec(path.basename(dir));
  const pid = match ? parseInt(match[1]!, 36) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Removes run directories under `base` whose owner process is gone (a harness killed with
 * SIGKILL cannot clean up after itself). A directory whose owner is alive is never touched; a
 * reused pid only delays the removal to a later sweep. Returns the removed paths.
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
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const entry of entries) {
    // Dirent types do not follow symlinks: a planted link is never followed into.
    if (!entry.isDirectory() || !entry.name.startsWith(RUN_DIR_PREFIX)) continue;
    const dir = path.join(base, entry.name);
    try {
      // In a shared base (root-owned with the sticky bit) other users' run directories are theirs to sweep.
      if (uid !== undefined && (await lstat(dir)).uid !== uid) continue;
      const pid = await ownerPid(dir);
      if (pid === undefined || pid === process.pid || isProcessAlive(pid)) continue;
      await removeRunDir(dir);
      removed.push(dir);
    } catch {
      // Another sweep got there first, or the entry cannot be removed; the run being planned
      // does not depend on it, and a later sweep tries again.
    }
  }
  return removed;
}
