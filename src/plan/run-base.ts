// Where a run's directory will be, decided without making anything: the base (the user's choice,
// or /tmp/uds-fixture-<uid>), the private directory inside a base others can write to, and a fresh
// name. The run (src/run/run-dir.ts) then checks the base, creates what is missing, and makes the
// directory at exactly the planned path.
import { statSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { realPathOf } from '../scenario/context';

export const TMP_BASE_ENV = 'UDS_FIXTURE_TMPDIR';
/**
 * Run directories are named `r-<harness pid in base 36>-<random>`. The name only gives its length
 * to sun_path checks and narrows what the sweep looks at: what makes a directory a run directory
 * is its marker (src/run/run-marker.ts), never its name.
 */
export const RUN_DIR_PREFIX = 'r-';
const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const currentUid = (): number => (typeof process.getuid === 'function' ? process.getuid() : 0);

/** The private directory for run directories inside a base other users can write to (/tmp). */
export const privateDirName = (): string => `uds-fixture-${currentUid()}`;

/** A fresh run directory name: `r-<pid in base 36>-` and six random letters or digits. */
export function newRunDirName(): string {
  const random = [...randomBytes(6)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
  return `${RUN_DIR_PREFIX}${process.pid.toString(36)}-${random}`;
}

/**
 * The base holding run directories. /tmp, not $TMPDIR: on macOS $TMPDIR alone is ~49 bytes of
 * the 103 sun_path allows, while /tmp is short on both platforms.
 */
export function resolveTmpBase(option?: string): string {
  const given = givenTmpBase(option);
  if (given !== undefined) return path.resolve(given);
  return path.join('/tmp', privateDirName());
}

/** The base the caller chose (option first, then UDS_FIXTURE_TMPDIR), or undefined for the default. */
export function givenTmpBase(option?: string): string | undefined {
  if (option) return option;
  const fromEnv = process.env[TMP_BASE_ENV];
  return fromEnv ? fromEnv : undefined;
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
 * The real path of the directory run directories are made in, found by looking only: the default
 * base, a given base that is ours alone, or the private directory inside a shared one. Symlinks
 * are resolved as far as the path exists (on macOS /tmp is /private/tmp), so sun_path counts the
 * bytes that will really be bound. The run makes and checks the base (src/run/run-dir.ts) and
 * refuses to go on if it then resolves elsewhere.
 */
export function plannedRunBase(option?: string): string {
  const base = resolveTmpBase(option);
  if (givenTmpBase(option) === undefined) return realPathOf(base);
  try {
    return realPathOf(isSharedBase(statSync(base)) ? path.join(base, privateDirName()) : base);
  } catch {
    return realPathOf(base); // a missing base is reported by the run
  }
}
