// Reading a file the user named (a scenario file, `from:`, `file:`), safely: `stat` says 0 bytes
// for a FIFO or a device, so a size check alone lets `/dev/zero` grow the process until it dies
// and lets a FIFO block open() in the kernel, where no signal but SIGKILL reaches it. A path that
// is not a regular file is refused before it is opened (opening a FIFO's read end would also
// release a writer waiting on it: the harness must not change what it does not own); the file is
// opened non-blocking in case it was swapped for a FIFO in between, checked again on the open
// descriptor, and read up to the limit plus one byte, whatever it claims or grows to.
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';

export type UserFileRead =
  | { ok: true; bytes: Buffer }
  /** more than `limit` bytes (`size` is what stat said, or limit + 1 when the file grew) */
  | { ok: false; reason: 'too-large'; size: number }
  /** a FIFO, device, socket or directory: `kind` says which, for the message */
  | { ok: false; reason: 'not-regular'; kind: string }
  | { ok: false; reason: 'error'; code: string; error: unknown };

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (fs.constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

/** What a non-regular file is, in words a user recognises. */
export function fileKind(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function failure(error: unknown): UserFileRead {
  return { ok: false, reason: 'error', code: (error as NodeJS.ErrnoException).code ?? 'EIO', error };
}

function checked(st: fs.Stats, limit: number): UserFileRead | undefined {
  if (!st.isFile()) return { ok: false, reason: 'not-regular', kind: fileKind(st) };
  if (st.size > limit) return { ok: false, reason: 'too-large', size: st.size };
  return undefined;
}

/** The bytes of `file` when it is a regular file of at most `limit` bytes. Never blocks on a FIFO. */
export function readUserFileSync(file: string, limit: number): UserFileRead {
  let fd: number | undefined;
  try {
    const early = checked(fs.statSync(file), limit);
    if (early !== undefined) return early;
    fd = fs.openSync(file, OPEN_FLAGS);
    const late = checked(fs.fstatSync(fd), limit);
    if (late !== undefined) return late;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return { ok: false, reason: 'too-large', size: total };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return failure(error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** readUserFileSync without blocking the event loop. */
export async function readUserFile(file: string, limit: number): Promise<UserFileRead> {
  let handle: FileHandle | undefined;
  try {
    const early = checked(await stat(file), limit);
    if (early !== undefined) return early;
    handle = await open(file, OPEN_FLAGS);
    const late = checked(await handle.stat(), limit);
    if (late !== undefined) return late;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) return { ok: false, reason: 'too-large', size: total };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return failure(error);
  } finally {
    await handle?.close();
  }
}
