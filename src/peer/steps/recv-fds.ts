import fs from 'node:fs';
import { DEFAULT_FD_DATA } from '../../scenario/steps';
import type { FdExpectation } from '../../scenario/types';
import type { Received, UnixSocket } from '../../socket';
import { describeBytes, plural } from '../describe';
import { receiveFdsBulk } from '../fd-bulk';
import { StepFailure } from '../errors';
import { fdInfo, pathInfo, type FdInfo } from '../fd-info';
import type { StepProgress } from '../progress';
import type { PeerRuntime } from '../runtime';
import { receiveSocket } from './destination';
import { sizeBuffers } from '../buffers';
import { remoteFields } from '../connections';
import { queuedBefore, readAround, takeReadAhead } from '../read-ahead';
import type { StepDetails, StepImpl, StepOf } from './types';

const MAX_CONTENT_BYTES = 1024 * 1024;

export const recvFds: StepImpl<'recvFds'> = {
  async run(step, peer, progress) {
    const sock = receiveSocket(peer, 'recvmsg', step.on);
    const sized = sizeBuffers(sock, step);
    if (step.repeat !== undefined) {
      const ahead = queuedBefore(sock);
      if (ahead !== undefined) throw readAround(ahead.bytes, 'recvFds with `repeat` reads descriptors in native code', peer);
      return { ...(await receiveBulk(step, sock, peer, progress)), ...sized };
    }
    progress.waitingFor(() => `a message with ${plural(step.count, 'descriptor')} from ${peer.remoteName()}`);
    const r = await receiveWithFds(sock, step.room ?? step.count);
    // Every descriptor received is closed before the step ends, whatever the checks find.
    const open = new Set(r.fds);
    const from = remoteFields(peer, sock, 'from');
    try {
      const roomy = step.room === undefined || step.room >= step.count;
      const expectTruncated = step.truncated ?? !roomy;
      if (r.controlTruncated !== expectTruncated) {
        throw new StepFailure(
          'TRUNCATION_MISMATCH',
          r.controlTruncated
            ? `recvFds: the descriptors did not fit in room for ${step.room ?? step.count} (MSG_CTRUNC); declare \`truncated: true\` if that is the point, or give more room`
            : `recvFds expected the control data to be truncated (MSG_CTRUNC), but all ${r.fds.length} descriptors fitted`,
          expectTruncated,
          r.controlTruncated,
        );
      }
      const expectedCount = roomy ? step.count : Math.min(step.count, step.room!);
      if (r.fds.length !== expectedCount) {
        throw new StepFailure('FD_MISMATCH', `recvFds expected ${plural(expectedCount, 'descriptor')}, got ${r.fds.length}`, expectedCount, r.fds.length);
      }
      if (step.data !== undefined && r.data.toString('utf8') !== step.data) {
        throw new StepFailure(
          'RECV_MISMATCH',
          `recvFds: the data bytes that carried the descriptors differ; expected ${describeBytes(Buffer.from(step.data))}, got ${describeBytes(r.data)}`,
          step.data,
          describeBytes(r.data),
        );
      }
      const infos = r.fds.map(fdInfo);
      for (const [i, expect] of step.expect.entries()) {
        if (i >= r.fds.length) break;
        await checkDescriptor(i, r.fds[i]!, infos[i]!, expect, peer, progress, open);
      }
      // Dated when recvmsg returned, as the descriptors arrived; the checks after it take time.
      return { count: r.fds.length, truncated: r.controlTruncated, data: r.data.toString('utf8'), fds: infos, ...from, atNs: r.atNs, ...sized };
    } catch (err) {
      if (err instanceof StepFailure) err.took = { bytes: r.data.length, atNs: r.atNs, from };
      throw err;
    } finally {
      for (const fd of open) fs.closeSync(fd);
    }
  },
};

/**
 * On a stream, bytes an earlier `recv` read past its delimiter come first: with the descriptors
 * that came with them (that read took the message that carried them), or before the next message.
 */
async function receiveWithFds(sock: UnixSocket, room: number): Promise<Pick<Received, 'data' | 'fds' | 'controlTruncated' | 'atNs'>> {
  const ahead = takeReadAhead(sock);
  if (ahead.fds.length > 0) {
    // The read that took them had room for any number; what did not fit this step's room is cut, as MSG_CTRUNC would.
    for (const fd of ahead.fds.slice(room)) fs.closeSync(fd);
    return { data: ahead.bytes, fds: ahead.fds.slice(0, room), controlTruncated: ahead.fds.length > room, atNs: ahead.atNs };
  }
  const r = await sock.recv({ maxFds: room });
  return ahead.bytes.length > 0 ? { ...r, data: Buffer.concat([ahead.bytes, r.data]) } : r;
}

// One summary event instead of one per message; the step fails on the first mismatch it names.
async function receiveBulk(step: StepOf<'recvFds'>, sock: UnixSocket, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  const summary = await receiveFdsBulk(
    sock,
    {
      count: step.count,
      repeat: step.repeat ?? 1,
      expect: step.expect,
      dataBytes: Buffer.byteLength(step.data ?? DEFAULT_FD_DATA),
      files: peer.launch.files,
      sender: peer.remoteName(),
      ...(step.room !== undefined ? { room: step.room } : {}),
      ...(step.truncated !== undefined ? { truncated: step.truncated } : {}),
      ...(step.data !== undefined ? { data: step.data } : {}),
    },
    progress,
  );
  const { repeat, received, mismatched, truncatedCount, firstMismatches, elapsedNs, descriptors } = summary;
  return { count: step.count, repeat, received, mismatched, truncatedCount, firstMismatches, descriptors, elapsedNs };
}

async function checkDescriptor(
  index: number,
  fd: number,
  info: FdInfo,
  expect: FdExpectation,
  peer: PeerRuntime,
  progress: StepProgress,
  open: Set<number>,
): Promise<void> {
  const which = `received descriptor #${index + 1}`;
  const fail = (message: string, expected: unknown, got: unknown): never => {
    throw new StepFailure('FD_MISMATCH', `recvFds: ${which} ${message}`, expected, got);
  };
  if (expect.type !== undefined && info.type !== expect.type) fail(`is a ${info.type}, expected a ${expect.type}`, expect.type, info.type);
  if (expect.mode !== undefined && info.mode !== expect.mode) {
    fail(`has mode ${octal(info.mode)}, expected ${octal(expect.mode)}`, octal(expect.mode), octal(info.mode));
  }
  if (expect.sameFileAs !== undefined) {
    const file = peer.launch.files[expect.sameFileAs];
    if (file === undefined) fail(`is compared with file "${expect.sameFileAs}", which is not declared under \`files:\``, expect.sameFileAs, undefined);
    const want = pathInfo(file!);
    if (want.dev !== info.dev || want.ino !== info.ino) {
      fail(
        `is not the file "${expect.sameFileAs}" (${file}): expected dev ${want.dev} inode ${want.ino}, got dev ${info.dev} inode ${info.ino}`,
        { dev: want.dev, ino: want.ino },
        { dev: info.dev, ino: info.ino },
      );
    }
  }
  if (expect.content !== undefined) {
    const want = Buffer.from(expect.content);
    let got: Buffer;
    if (info.type === 'file') got = readFileFromStart(fd);
    else if (info.type === 'pipe' || info.type === 'socket') {
      progress.waitingFor(() => `the content of ${which} (${want.length} bytes, until end-of-file)`);
      open.delete(fd); // the stream reader owns and closes it from here
      got = await readStream(fd, want.length);
    } else {
      return fail(`is a ${info.type}; \`content\` applies to files, pipes and sockets`, expect.content, info.type);
    }
    if (!got.equals(want)) fail(`reads ${describeBytes(got)}, expected ${describeBytes(want)}`, expect.content, describeBytes(got));
  }
}

function readFileFromStart(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let position = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const n = fs.readSync(fd, chunk, 0, chunk.length, position);
    if (n === 0 || position >= MAX_CONTENT_BYTES) break;
    chunks.push(chunk.subarray(0, n));
    position += n;
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a received pipe or socket until end-of-file or the expected number of bytes (a writer may
 * keep its end open, or write without end). Received descriptors keep the blocking mode their
 * sender gave them, and nothing here may change it (O_NONBLOCK is shared with the sender, and
 * watching a descriptor in the event loop sets it), so the reads are blocking ones on libuv's
 * thread pool. The step timeout bounds the wait; a read still blocked then ends with the process.
 */
async function readStream(fd: number, expected: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    // Never more than the expected length (plus one read): a writer that never stops must not
    // grow this peer, and a byte where none is expected is already a mismatch.
    while (length === 0 || length < expected) {
      const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(64 * 1024, expected - length + 1)));
      const bytesRead = await new Promise<number>((resolve, reject) => fs.read(fd, chunk, 0, chunk.length, null, (err, n) => (err ? reject(err) : resolve(n))));
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
  } finally {
    fs.closeSync(fd);
  }
  return Buffer.concat(chunks);
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}
