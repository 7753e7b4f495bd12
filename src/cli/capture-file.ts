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

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    const st = fstatSync(fd);
    this.identity = { dev: st.dev, ino: st.ino };
    this.stream = createWriteStream('', { fd, autoClose: true });
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
    this.stream.write(JSON.stringify(record) + '\n');
  }

  /** Writes out every record and closes the file. */
  async close(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
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
