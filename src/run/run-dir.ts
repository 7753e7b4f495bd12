// The run's own directories on disk: the base checked (and the default or private one made), the
// run directory made at its planned path with its marker, and removed. Where they are was decided
// by the plan (src/plan/run-base.ts); the run makes them and is the only one to remove them.
import { type Stats } from 'node:fs';
import { lstat, mkdir, chmod, realpath, stat, rm } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error';
import { PlanError } from '../plan/errors';
import { givenTmpBase, isSharedBase, privateDirName, resolveTmpBase, TMP_BASE_ENV } from '../plan/run-base';
import { writeRunMarker } from './run-marker';

const CHOOSE = `choose another base (option \`tmpBase\` or env ${TMP_BASE_ENV})`;

function unsafe(base: string, why: string, next = CHOOSE): PlanError {
  return new PlanError('ERR_TMP_BASE_UNSAFE', base, `temp base ${base} ${why}; ${next}`);
}

/**
 * Creates the default base (or the private directory inside a shared base) 0700 if missing. It
 * must be a real directory (not a symlink) owned by us: /tmp is shared, and another user could
 * plant a directory or symlink there to catch our sockets. Group or world write bits on it are
 * removed, since it is ours.
 */
async function ensureTmpBase(base: string): Promise<void> {
  try {
    await mkdir(base, { recursive: true, mode: 0o700 });
  } catch (err) {
    // EEXIST: a file (or a link to one) is in the way, which the checks below name
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw unsafe(base, `cannot be created (${code})`, `make its parent writable for you or ${CHOOSE}`);
  }
  const st = await lstat(base);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory()) throw unsafe(base, 'is not a directory (a symlink, or a file)', `remove it or ${CHOOSE}`);
  if (st.uid !== uid) throw unsafe(base, `belongs to uid ${st.uid}, not to this user (uid ${uid})`);
  if ((st.mode & 0o022) !== 0) await chmod(base, st.mode & ~0o022 & 0o7777);
}

/**
 * A base the user chose is never created nor changed: it must exist, be a directory owned by this
 * user (or by root, like /tmp), and not be writable by everyone unless its sticky bit stops others
 * from renaming or removing what is ours in it. Returns its stat for isSharedBase.
 */
async function checkGivenTmpBase(base: string): Promise<Stats> {
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
  return st;
}

/**
 * Resolves the base for a run and checks it (creating the default one); returns its real path
 * (on macOS /tmp is a link to /private/tmp), which the plan's run directory must be in.
 */
export async function prepareTmpBase(option?: string): Promise<string> {
  const base = resolveTmpBase(option);
  if (givenTmpBase(option) === undefined) {
    await ensureTmpBase(base);
    return realpath(base);
  }
  if (!isSharedBase(await checkGivenTmpBase(base))) return realpath(base);
  const own = path.join(base, privateDirName());
  await ensureTmpBase(own);
  return realpath(own);
}

/**
 * Makes the run directory at its planned path, 0700, with its marker. Never takes over what is
 * there: an existing entry of that name is an error, and is left alone. A harness killed between
 * the mkdir and the marker's rename leaves an empty directory with no marker, which no sweep
 * removes: that instant is the price of never deleting on a name.
 */
export async function createRunDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw new HarnessError('ERR_RUN_DIR_EXISTS', dir, `the run directory ${dir} already exists and is not this run's to use; run the scenario again (a new plan picks a new name)`, { cause: err });
  }
  try {
    // mkdir's mode is filtered by the umask; 0700 must hold regardless.
    await chmod(dir, 0o700);
    await writeRunMarker(dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function removeRunDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 2 });
}
