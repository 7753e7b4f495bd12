// The peer proves it closed every descriptor it opened or was given: it counts open descriptors
// before the first step and after closing its sockets at the end, and names the ones left over.
import fs from 'node:fs';
import { openDescriptorCount } from '../socket';

export interface FdSnapshot {
  count: number;
  /** open descriptor numbers, where the platform lists them */
  fds?: Set<number>;
}

export interface FdReport {
  before: number;
  after: number;
  leaked: number[];
  /** what each leaked descriptor refers to (Linux: /proc/self/fd links), in `leaked` order */
  leakedTargets?: string[];
}

export function takeFdSnapshot(): FdSnapshot {
  return { count: openDescriptorCount(), fds: listOpenFds() };
}

export function compareFdSnapshots(before: FdSnapshot, after: FdSnapshot): FdReport {
  const leaked = before.fds && after.fds ? [...after.fds].filter((fd) => !before.fds!.has(fd)).sort((a, b) => a - b) : [];
  const report: FdReport = { before: before.count, after: after.count, leaked };
  if (leaked.length > 0 && process.platform === 'linux') report.leakedTargets = leaked.map(linkTarget);
  return report;
}

// Linux lists descriptors in /proc/self/fd, macOS in /dev/fd (fdescfs). Reading the directory
// opens one more descriptor, listed too; it is closed by the time the list returns, so it is the
// entry that no longer exists.
function listOpenFds(): Set<number> | undefined {
  const dir = process.platform === 'linux' ? '/proc/self/fd' : process.platform === 'darwin' ? '/dev/fd' : undefined;
  if (!dir) return undefined;
  const fds = new Set<number>();
  for (const name of fs.readdirSync(dir)) {
    const fd = Number(name);
    if (!Number.isInteger(fd)) continue;
    try {
      fs.fstatSync(fd);
      fds.add(fd);
    } catch {
      // the directory's own descriptor, already closed
    }
  }
  return fds;
}

function linkTarget(fd: number): string {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return 'unknown';
  }
}
