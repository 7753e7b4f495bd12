import { lstat, mkdir, chmod, realpath, stat, writeFile, rm } from 'node:fs/promises';
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
  const given = givenTmpBase(option);
  if (given !== undefined) return path.resolve(given);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return `/tmp/uds-fixture-${uid}`;
}

/** The base the caller chose (option first, then UDS_FIXTURE_TMPDIR), or undefined for the default. */
function givenTmpBase(option?: string): string | undefined {
  if (option) return option;
  const fromEnv = process.env[TMP_BASE_ENV];
  return fromEnv ? fromEnv : undefined;
}

const CHOOSE = `choose another base (option \`tmpBase\` or env ${TMP_BASE_ENV})`;

function unsafe(base: string, why: string, next = CHOOSE): PlanError {
  return new PlanError('ERR_TMP_BASE_UNSAFE', base, `temp base ${base} ${why}; ${next}`);
}

/**
 * Creates the default base 0700 if missing. It must be a real directory (not a symlink) owned by
 * us: /tmp is shared, and another user could plant a directory or symlink there to catch our
 * sockets. Group or world write bits on it are removed, since it is ours.
 */
export async function ensureTmpBase(base: string): Promise<void> {
  await mkdir(base, { recursive: true, mode: 0o700 });
  const st = await lstat(base);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory()) throw unsafe(base, 'is not a directory (a symlink, or a file)', `remove it or ${CHOOSE}`);
  if (st.uid !== uid) throw unsafe(base, `belongs to uid ${st.uid}, not to this user (uid ${uid})`);
  if ((st.mode & 0o022) !== 0) await chmod(base, st.mode & ~0o022 & 0o7777);
}

/**
 * A base the user chose is used as it is, never created nor changed: it must exist, be a
 * directory owned by this user (or by root, like /tmp), and not be writable by everyone unless
 * its sticky bit stops others from renaming or removing what is ours in it.
 */
export async function checkGivenTmpBase(base: string): Promise<void> {
  let st;
  try {
    st = await stat(base);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw unsafe(base, 'does not exist', `create it (mkdir -m 700 ${base}) or ${CHOOSE}`);
    throw unsafe(base, `cannot be examined (${code})`);
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory()) throw unsafe(base, 'is not a directory');
  if (st.uid !== uid && st.uid !== 0) throw unsafe(base, `belongs to uid ${st.uid}, not to this user (uid ${uid}) nor to root`);
  if ((st.mode & 0o002) !== 0 && (st.mode & 0o1000) === 0) {
    throw unsafe(base, `is writable by every user without the sticky bit (mode ${(st.mode & 0o7777).toString(8)})`, `chmod o-w ${base}, chmod +t ${base}, or ${CHOOSE}`);
  }
}

/**
 * Resolves the base for a run and checks it (creating the default one); returns its real path.
 * tmp-promise names run directories by the real path, and on macOS /tmp is a link to /private/tmp:
 * the base is given as the run directories will be, so paths compare and sun_path counts the
 * bytes that are really bound.
 */
export async function prepareTmpBase(option?: string): Promise<string> {
  const base = resolveTmpBase(option);
  if (givenTmpBase(option) !== undefined) await checkGivenTmpBase(base);
  else await ensureTmpBase(base);
  return realpath(base);
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
