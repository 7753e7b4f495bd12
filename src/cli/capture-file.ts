// The `--capture` file of `uds-fixture proxy`: created, never replaced (O_EXCL), one JSON record a
// line. If the proxy cannot start, the file it just created is removed again — that one only.
import { closeSync, createWriteStream, fstatSync, lstatSync, openSync, unlinkSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

import { CodedError } from '../errors/coded-error';

/** The capture file could not be created: `code` is the errno name (EEXIST, ENOENT, EACCES…). */
export class CaptureFileError extends CodedError {
  readonly syscall = 'open';
  constructor(
    readonly path: string,
    code: string,
    readonly errno: number | undefined,
    options?: ErrorOptions,
  ) {
    super(code, captureMessage(path, code), options);
    this.name = 'CaptureFileError';
  }
}

function captureMessage(path: string, code: string): string {
  if (code === 'EEXIST') return `the capture file ${path} exists (EEXIST): give --capture another path, or remove that file first (uds-fixture proxy never overwrites a file)`;
  if (code === 'ENOENT') return `cannot create the capture file ${path} (ENOENT): its directory does not exist; create it or give --capture another path`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `cannot create the capture file ${path} (${code}): no permission to write there; give --capture a path in a directory you can write`;
  if (code === 'EISDIR') return `cannot create the capture file ${path} (EISDIR): it is a directory; give --capture a file path`;
  return `cannot create the capture file ${path} (${code}); give --capture another path`;
}

export class CaptureFile {
  private readonly stream: WriteStream;
  private readonly identity: { dev: number; ino: number };
  /** the write that failed (ENOSPC, EFBIG, EIO…): the records after it are not written */
  failure: NodeJS.ErrnoException | undefined;
  private onFailure: ((err: NodeJS.ErrnoException) => void) | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    const st = fstatSync(fd);
    this.identity = { dev: st.dev, ino: st.ino };
    this.stream = createWriteStream('', { fd, autoClose: true });
    // A write that fails must not end the process as an unhandled 'error' (the proxy would go
    // with its listening path left behind): it is kept, told once, and the file is written no more.
    this.stream.on('error', (err: NodeJS.ErrnoException) => {
      if (this.failure) return;
      this.failure = err;
      this.onFailure?.(err);
    });
  }

  /** Called once, when a write fails. */
  whenFailed(tell: (err: NodeJS.ErrnoException) => void): void {
    this.onFailure = tell;
  }

  /** Creates the file (it must not exist); throws CaptureFileError. */
  static create(path: string): CaptureFile {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new CaptureFileError(path, e.code ?? 'EIO', e.errno, { cause: err });
    }
    try {
      return new CaptureFile(path, fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  write(record: object): void {
    if (!this.failure) this.stream.write(JSON.stringify(record) + '\n');
  }

  /** Writes out every record and closes the file; a failed write is in `failure`, not thrown. */
  async close(): Promise<void> {
    if (!this.stream.destroyed) this.stream.end();
    await finished(this.stream).catch((err: NodeJS.ErrnoException) => {
      this.failure ??= err;
    });
  }

  /** Closes and removes the file, if the path is still the file this created. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    try {
      const st = lstatSync(this.path);
      if (st.dev === this.identity.dev && st.ino === this.identity.ino) unlinkSync(this.path);
    } catch {
      // gone already: nothing of ours to remove
    }
  }
}
