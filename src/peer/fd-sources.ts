// The descriptors `sendFds` hands over: declared files, a pipe or socketpair end already holding
// `content` (its writing end closed, so the receiver reads to end-of-file), a directory.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UnixSocket } from '../socket';
import { PeerError } from './errors';
import { fdInfo, type FdInfo } from './fd-info';

export interface OutgoingFd extends FdInfo {
  fd: number;
  kind: 'file' | 'pipe' | 'socket' | 'dir';
  /** the `files:` name, or the directory as written */
  name?: string;
  path?: string;
}

/** Descriptors opened for one send; `close()` closes the sender's copies. */
export class OutgoingFds {
  readonly fds: OutgoingFd[] = [];
  private readonly closers: (() => void)[] = [];

  addFile(name: string, file: string | undefined): void {
    if (file === undefined) {
      throw new PeerError('ENOENT', 'open', `sendFds names file "${name}", which is not declared under \`files:\``);
    }
    const fd = fs.openSync(file, 'r');
    this.track(fd, () => fs.closeSync(fd), { kind: 'file', name, path: file });
  }

  addDir(dir: string, runDir: string): void {
    const abs = path.resolve(runDir, dir);
    // O_DIRECTORY: a FIFO or device named here fails with ENOTDIR instead of blocking or being opened.
    const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NONBLOCK);
    this.track(fd, () => fs.closeSync(fd), { kind: 'dir', name: dir, path: abs });
  }

  /**
   * Node has no pipe(2); a FIFO opened at both ends and unlinked at once is the same kind of
   * object (fstat: S_IFIFO). The read end is opened first, non-blocking, so the write end's open
   * does not wait for a reader; `content` must fit in the pipe buffer (64 KiB on Linux, 16 KiB+ on macOS).
   */
  addPipe(content: string, runDir: string, id: string): void {
    const fifo = path.join(runDir, `.fifo-${id}-${process.pid}-${this.fds.length}`);
    execFileSync('mkfifo', ['-m', '600', fifo]);
    let readFd: number | undefined;
    try {
      readFd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const writeFd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      try {
        const bytes = Buffer.from(content);
        const written = bytes.length > 0 ? fs.writeSync(writeFd, bytes) : 0;
        if (written < bytes.length) {
          throw new PeerError('EMSGSIZE', 'write', `pipe content of ${bytes.length} bytes does not fit in the pipe buffer (${written} written); send less, or use \`socket:\``);
        }
      } finally {
        fs.closeSync(writeFd);
      }
    } catch (err) {
      if (readFd !== undefined) fs.closeSync(readFd);
      throw err;
    } finally {
      fs.unlinkSync(fifo);
    }
    const fd = readFd;
    this.track(fd, () => fs.closeSync(fd), { kind: 'pipe' });
  }

  async addSocket(content: string): Promise<void> {
    const [kept, given] = UnixSocket.pair('stream');
    try {
      if (content.length > 0) await kept.send(Buffer.from(content));
    } finally {
      kept.close();
    }
    this.track(given.fd, () => given.close(), { kind: 'socket' });
  }

  close(): void {
    for (const close of this.closers.splice(0)) close();
  }

  private track(fd: number, close: () => void, about: Pick<OutgoingFd, 'kind' | 'name' | 'path'>): void {
    this.closers.push(close);
    this.fds.push({ fd, ...about, ...fdInfo(fd) });
  }
}
