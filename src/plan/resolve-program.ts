import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Where a program was found, or the errno (ENOENT, EACCES) a spawn of it would fail with. */
export type ResolvedProgram = { file: string } | { code: 'ENOENT' | 'EACCES'; message: string };

/** execvp's search path when PATH is unset (glibc and macOS libc agree on these two). */
const DEFAULT_PATH = '/bin:/usr/bin';

function executable(file: string): 'ok' | 'ENOENT' | 'EACCES' {
  try {
    // A directory passes an X_OK check but cannot be executed: execve says EACCES.
    if (!statSync(file).isFile()) return 'EACCES';
    accessSync(file, constants.X_OK);
    return 'ok';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? 'EACCES' : 'ENOENT';
  }
}

/**
 * Finds argv[0] the way execvp would, in the peer's own PATH and working directory, before
 * anything is spawned: the supervisor that runs the program can only report a failed exec as
 * an exit status, while a missing program must stay a precise SPAWN_FAILED with its errno.
 * Pure file-system probing, used by planning's checks (`validate`) and by the spawn alike.
 */
export function resolveProgram(program: string, env: Record<string, string>, cwd: string): ResolvedProgram {
  if (program.includes('/')) {
    const file = path.resolve(cwd, program);
    const state = executable(file);
    return state === 'ok' ? { file } : { code: state, message: `spawn ${program} ${state}` };
  }
  const searchPath = env.PATH ?? DEFAULT_PATH;
  let denied = false;
  // An empty PATH entry means the working directory, as it does for execvp.
  for (const entry of searchPath.split(':')) {
    const file = path.resolve(cwd, entry === '' ? '.' : entry, program);
    const state = executable(file);
    if (state === 'ok') return { file };
    if (state === 'EACCES') denied = true;
  }
  const code = denied ? 'EACCES' : 'ENOENT';
  return { code, message: `spawn ${program} ${code} (searched PATH=${searchPath})` };
}
