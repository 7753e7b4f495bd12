// The process table and this process's descriptors, as reliability tests compare them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

export interface ProcessRow {
  pid: number;
  ppid: number;
  pgid: number;
  /** ps state letters; `Z` is a zombie: gone, only not yet reaped */
  state: string;
}

/** Every process on the machine (ps takes the same options on Linux and macOS). */
export function processTable(): ProcessRow[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8' });
  if (ps.status !== 0) throw new Error(`ps failed: ${ps.stderr}`);
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4)
    .map(([pid, ppid, pgid, state]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), state: state! }))
    .filter((row) => row.pid !== ps.pid); // ps lists itself
}

const alive = (row: ProcessRow): boolean => !row.state.startsWith('Z');

/** Live processes in any of these process groups. */
export function liveInGroups(pgids: Iterable<number>): ProcessRow[] {
  const wanted = new Set(pgids);
  return processTable().filter((row) => wanted.has(row.pgid) && alive(row));
}

/** Live descendants of `root` (not `root` itself). */
export function liveDescendants(root: number, table: ProcessRow[] = processTable()): ProcessRow[] {
  const found: ProcessRow[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of table) {
      if (!parents.has(row.pid) && parents.has(row.ppid)) {
        parents.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found.filter(alive);
}

/** Live processes among these pids. */
export function liveAmong(pids: Iterable<number>): ProcessRow[] {
  const wanted = new Set(pids);
  return processTable().filter((row) => wanted.has(row.pid) && alive(row));
}

/** This process's open descriptor numbers (the listing's own descriptor is the same each time). */
export function openDescriptors(): number[] {
  const dir = existsSync('/proc/self/fd') ? '/proc/self/fd' : '/dev/fd';
  return readdirSync(dir)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Checks `done` until it holds or `ms` pass; returns the milliseconds it took. For states no
 * event announces (a non-child process disappearing, a file another process writes), checked
 * often and bounded, never a fixed sleep.
 */
export async function until(done: () => boolean, ms: number, what: string): Promise<number> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - start;
}
