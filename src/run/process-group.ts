/** Signals the process group led by `pgid`; false when the group is gone (ESRCH). */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    // EPERM: a member changed its credentials (setuid); it is still there.
    if (code === 'EPERM') return true;
    throw err;
  }
}

export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}
