import { constants, readFileSync } from 'node:fs';
import { lstat, open, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** The marker that makes a directory a run directory of uds-fixture, and nothing else does. */
export const OWNER_FILE = '.owner';
const TOOL = 'uds-fixture';
const VERSION = 1;
/** A marker is a few hundred bytes; anything larger is not ours and is not read. */
const MAX_MARKER_BYTES = 4096;

/**
 * What the marker records. The directory's own name, device and inode bind the marker to the
 * directory it was written in: a copied or renamed directory, or a marker copied elsewhere, does
 * not match and is never taken for a run directory. The owner is the harness process: its pid,
 * and on Linux its start time, so a pid reused by another process is not taken for the owner.
 */
export interface OwnerRecord {
  tool: typeof TOOL;
  version: typeof VERSION;
  name: string;
  /** device and inode of the directory, as decimal strings (inode numbers can pass 2^53) */
  dev: string;
  ino: string;
  uid: number;
  pid: number;
  /** /proc/<pid>/stat field 22 (clock ticks after boot) on Linux; null where there is no such figure */
  pidStart: string | null;
  /** ms since the epoch */
  startedAt: number;
}

const currentUid = (): number => (typeof process.getuid === 'function' ? process.getuid() : 0);

/**
 * When a process started, as a string that differs between two processes that held the same pid:
 * field 22 of /proc/<pid>/stat on Linux. Undefined if the process does not exist; null where the
 * platform has no cheap way to tell (macOS would need a `ps` per process: there a reused pid only
 * delays a removal).
 */
export function processStartTime(pid: number): string | null | undefined {
  if (process.platform !== 'linux') return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[22 - 3];
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}

let ownStart: string | null | undefined;

/**
 * Writes the marker of a directory this process just created, atomically: to a fresh temporary
 * name first, then renamed into place, so a concurrent sweep reads either no marker or a whole one.
 */
export async function writeRunMarker(dir: string): Promise<void> {
  const st = await lstat(dir, { bigint: true });
  ownStart ??= processStartTime(process.pid) ?? null;
  const record: OwnerRecord = {
    tool: TOOL,
    version: VERSION,
    name: path.basename(dir),
    dev: st.dev.toString(),
    ino: st.ino.toString(),
    uid: currentUid(),
    pid: process.pid,
    pidStart: ownStart,
    startedAt: Date.now(),
  };
  const temp = path.join(dir, `${OWNER_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, JSON.stringify(record) + '\n', { mode: 0o600, flag: 'wx' });
    await rename(temp, path.join(dir, OWNER_FILE));
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The marker file's text, if it is a small regular file of ours; never blocks on a FIFO or follows a link. */
async function readMarkerText(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.uid !== currentUid() || st.size > MAX_MARKER_BYTES) return undefined;
    const buffer = Buffer.alloc(MAX_MARKER_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead > MAX_MARKER_BYTES ? undefined : buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function parseRecord(text: string): OwnerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const decimal = (v: unknown): v is string => typeof v === 'string' && /^\d+$/.test(v);
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
  if (r.tool !== TOOL || r.version !== VERSION) return undefined;
  if (typeof r.name !== 'string' || !decimal(r.dev) || !decimal(r.ino) || !positive(r.pid)) return undefined;
  if (typeof r.uid !== 'number' || !Number.isSafeInteger(r.uid) || r.uid < 0) return undefined;
  if (r.pidStart !== null && !decimal(r.pidStart)) return undefined;
  if (typeof r.startedAt !== 'number' || !Number.isFinite(r.startedAt)) return undefined;
  return r as unknown as OwnerRecord;
}

/**
 * The owner record of `dir` if, and only if, `dir` is a run directory uds-fixture created: a real
 * directory (not a link) of this user holding a well-formed marker that names this very directory
 * (name, device, inode) and this user. Anything else — no marker, a marker that does not parse,
 * one copied from elsewhere — is undefined: not ours, never touched.
 */
export async function readRunMarker(dir: string): Promise<OwnerRecord | undefined> {
  let st;
  try {
    st = await lstat(dir, { bigint: true });
  } catch {
    return undefined;
  }
  const uid = currentUid();
  if (!st.isDirectory() || st.uid !== BigInt(uid)) return undefined;
  const text = await readMarkerText(path.join(dir, OWNER_FILE));
  const record = text === undefined ? undefined : parseRecord(text);
  if (record === undefined) return undefined;
  const matches = record.name === path.basename(dir) && record.dev === st.dev.toString() && record.ino === st.ino.toString() && record.uid === uid;
  return matches ? record : undefined;
}
