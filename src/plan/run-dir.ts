import { statSync, type Stats } from 'node:fs';
import { lstat, mkdir, chmod, realpath, stat, rm } from 'node:fs/promises';
import path from 'node:path';
import { dir as tmpDir } from 'tmp-promise';
import { PlanError } from './errors';
import { writeRunMarker } from './run-marker';

export { OWNER_FILE, type OwnerRecord } from './run-marker';
export const TMP_BASE_ENV = 'UDS_FIXTURE_TMPDIR';
/**
 * Run directories are named `r-<harness pid in base 36>-<random>`. The name only gives its length
 * to sun_path checks and narrows what the sweep looks at: what makes a directory a run directory
 * is its marker (run-marker.ts), never its name.
 */
export const RUN_DIR_PREFIX = 'r-';

const currentUid = (): number => (typeof process.getuid === 'function' ? process.getuid() : 0);

/** The private directory for run directories inside a base other users can write to (/tmp). */
export const privateDirName = (): string => `uds-fixture-${currentUid()}`;

/**
 * The base holding run directories. /tmp, not $TMPDIR: on macOS $TMPDIR alone is ~49 bytes of
 * the 103 sun_path allows, while /tmp is short on both platforms.
 */
export function resolveTmpBase(option?: string): string {
  const given = givenTmpBase(option);
  if (given !== undefined) return path.resolve(given);
  return path.join('/tmp', privateDirName());
}

/**
 * True when a given base is not this user's alone: owned by someone else (root's /tmp), or
 * writable by the group or by everyone. Run directories never go straight into such a base:
 * others could plant look-alike entries in it, and the user's own files there are not ours to
 * list, so runs live (and are swept) only in a private `uds-fixture-<uid>` directory inside it.
 */
export function isSharedBase(st: Pick<Stats, 'uid' | 'mode'>): boolean {
  return st.uid !== currentUid() || (st.mode & 0o022) !== 0;
}

/**
 * The directory run directories are made in, without making anything (for `validate`): the
 * default base, a given base that is ours alone, or the private directory inside a shared one.
 */
export function resolveRunBase(option?: string): string {
  const base = resolveTmpBase(option);
  if (givenTmpBase(option) === undefined) return base;
  try {
    return isSharedBase(statSync(base)) ? path.join(base, privateDirName()) : base;
  } catch {
    return base; // a missing base is reported by the run
  }
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
 * Creates the default base (or the private directory inside a shared base) 0700 if missing. It
 * must be a real directory (not a symlink) owned by us: /tmp is shared, and another user could
 * plant a directory or symlink there to catch our sockets. Group or world write bits on it are
 * removed, since it is ours.
 */
export async function ensureTmpBase(base: string): Promise<void> {
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
export async function checkGivenTmpBase(base: string): Promise<Stats> {
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
 * Resolves the base for a run and checks it (creating the default one); returns its real path.
 * tmp-promise names run directories by the real path, and on macOS /tmp is a link to /private/tmp:
 * the base is given as the run directories will be, so paths compare and sun_path counts the
 * bytes that are really bound.
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
 * A fresh private run directory with its marker; returns its absolute path. A harness killed
 * between the mkdir and the marker's rename leaves an empty directory with no marker, which no
 * sweep removes: that instant is the price of never deleting on a name.
 */
export async function createRunDir(base: string): Promise<string> {
  const { path: dir } = await tmpDir({ tmpdir: base, template: `${RUN_DIR_PREFIX}${process.pid.toString(36)}-XXXXXX`, mode: 0o700 });
  try {
    // mkdir's mode is filtered by the umask; 0700 must hold regardless.
    await chmod(dir, 0o700);
    await writeRunMarker(dir);
    return dir;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function removeRunDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 2 });
}
