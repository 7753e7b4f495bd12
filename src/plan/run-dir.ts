import { lstat, mkdir, chmod, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { dir as tmpDir } from 'tmp-promise';
import { PlanError } from './errors';

export const TMP_BASE_ENV = 'UDS_FIXTURE_TMPDIR';
export const OWNER_FILE = '.owner';
/** Run directories are named `r-<harness pid in base 36>-<random>`; the reaper relies on the prefix. */
export const RUN_DIR_PREFIX = 'r-';

export interface OwnerRecord {
  pid: number;
  /** ms since the epoch */
  startedAt: number;
}

/**
 * The base holding run directories. /tmp, not $TMPDIR: on macOS $TMPDIR alone is ~49 bytes of
 * the 103 sun_path allows, while /tmp is short on both platforms.
 */
export function resolveTmpBase(option?: string): string {
  const fromEnv = process.env[TMP_BASE_ENV];
  if (option) return path.resolve(option);
  if (fromEnv) return path.resolve(fromEnv);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return `/tmp/uds-fixture-${uid}`;
}

/**
 * Creates the base 0700 if missing. An existing base must be a real directory owned by us and
 * not writable by others: /tmp is shared, and another user could plant a directory or symlink
 * there to catch our sockets.
 */
export async function ensureTmpBase(base: string): Promise<void> {
  await mkdir(base, { recursive: true, mode: 0o700 });
  const st = await lstat(base);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory()) {
    throw new PlanError('ERR_TMP_BASE_UNSAFE', base, `temp base ${base} is not a directory; remove it or choose another base (option \`tmpBase\` or env ${TMP_BASE_ENV})`);
  }
  if (st.uid !== uid) {
    throw new PlanError('ERR_TMP_BASE_UNSAFE', base, `temp base ${base} belongs to uid ${st.uid}, not to this user (uid ${uid}); choose another base (option \`tmpBase\` or env ${TMP_BASE_ENV})`);
  }
  if ((st.mode & 0o022) !== 0) await chmod(base, st.mode & ~0o022 & 0o7777);
}

/** A fresh private run directory with its owner file; returns its absolute path. */
export async function createRunDir(base: string): Promise<string> {
  const { path: dir } = await tmpDir({ tmpdir: base, template: `${RUN_DIR_PREFIX}${process.pid.toString(36)}-XXXXXX`, mode: 0o700 });
  try {
    // mkdir's mode is filtered by the umask; 0700 must hold regardless.
    await chmod(dir, 0o700);
    const owner: OwnerRecord = { pid: process.pid, startedAt: Date.now() };
    await writeFile(path.join(dir, OWNER_FILE), JSON.stringify(owner) + '\n', { mode: 0o600 });
    return dir;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function removeRunDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 2 });
}
