// Bulk descriptor passing: one native run sends the same descriptors `repeat` times, or receives
// `repeat` messages and checks and closes every descriptor, reporting one summary. Options are
// checked here, so native code only runs the loop. While a run is going, nothing else may use
// the socket.
import { getSystemErrorName } from 'node:util';
import { MAX_FD_REPEAT } from '../scenario/limits';
import { MAX_FDS_PER_MESSAGE, type UnixSocket } from '../socket';
import { encodeAddress } from '../socket/address';
import { describeFdMismatch, showBytes, type FdMismatchContext, type RawFdMismatch } from './describe-fds';
import { TrafficOptionError } from './errors';
import { trafficBinding, type NativeFdExpect, type NativeOutcome } from './native';
import { nativeType, startRun } from './run';
import type { FdReceiverSummary, FdSenderSummary, ReceiveDescriptorsOptions, SendDescriptorsOptions, TrafficRun } from './types';

const FD_TYPES = ['file', 'pipe', 'socket', 'dir'];

export function sendDescriptors(sock: UnixSocket, options: SendDescriptorsOptions): TrafficRun<FdSenderSummary> {
  checkRepeat(options.repeat);
  const { fds } = options;
  if (!Array.isArray(fds) || fds.length === 0 || fds.length > MAX_FDS_PER_MESSAGE || !fds.every((fd) => Number.isInteger(fd) && fd >= 0)) {
    throw new TrafficOptionError('fds', fds, `a list of 1 to ${MAX_FDS_PER_MESSAGE} open descriptors`);
  }
  if (!Buffer.isBuffer(options.data) || options.data.length === 0) throw new TrafficOptionError('data', options.data, 'at least one byte (SCM_RIGHTS travels with data)');
  const spec = {
    type: nativeType(sock),
    fds,
    data: options.data,
    repeat: options.repeat,
    to: options.to === undefined ? null : encodeAddress(options.to, 'sendto'),
  };
  return startRun(sock, 'sendmsg', (done) => trafficBinding().fdSend(sock.fd, spec, done), (outcome) => outcome as unknown as FdSenderSummary);
}

export function receiveDescriptors(sock: UnixSocket, options: ReceiveDescriptorsOptions): TrafficRun<FdReceiverSummary> {
  checkRepeat(options.repeat);
  checkWhole('count', options.count, 1, MAX_FDS_PER_MESSAGE);
  const room = options.room ?? options.count;
  checkWhole('room', room, 0, MAX_FDS_PER_MESSAGE);
  if (options.data !== undefined && (!Buffer.isBuffer(options.data) || options.data.length === 0)) throw new TrafficOptionError('data', options.data, 'at least one byte');
  const dataBytes = options.data?.length ?? options.dataBytes ?? 1;
  checkWhole('dataBytes', dataBytes, 1, 65536);
  if (!Array.isArray(options.expect) || options.expect.length > options.count) {
    throw new TrafficOptionError('expect', options.expect, `a list of at most count (${options.count}) expectations`);
  }
  const expect = options.expect.map((e, i): NativeFdExpect => {
    const out: NativeFdExpect = {};
    if (e.sameFile !== undefined) {
      if (!/^\d+$/.test(e.sameFile.dev) || !/^\d+$/.test(e.sameFile.ino)) throw new TrafficOptionError(`expect[${i}].sameFile`, e.sameFile, 'decimal device and inode numbers');
      out.dev = e.sameFile.dev;
      out.ino = e.sameFile.ino;
    }
    if (e.type !== undefined) {
      if (!FD_TYPES.includes(e.type)) throw new TrafficOptionError(`expect[${i}].type`, e.type, FD_TYPES.join(' | '));
      out.type = e.type;
    }
    if (e.mode !== undefined) {
      checkWhole(`expect[${i}].mode`, e.mode, 0, 0o777);
      out.mode = e.mode;
    }
    return out;
  });
  const roomy = room >= options.count;
  const spec = {
    type: nativeType(sock),
    repeat: options.repeat,
    // Room for fewer than were sent: the kernel hands over what fits and closes the rest.
    count: roomy ? options.count : Math.min(options.count, room),
    room,
    truncated: options.truncated ?? !roomy,
    dataBytes,
    data: options.data ?? null,
    expect,
  };
  const context: FdMismatchContext = {
    fileNames: options.expect.map((e) => e.sameFile?.name),
    room,
    ...(options.data !== undefined ? { expectedData: showBytes(options.data) } : {}),
  };
  return startRun(sock, 'recvmsg', (done) => trafficBinding().fdReceive(sock.fd, spec, done), (outcome) => receiverSummary(outcome, context));
}

function receiverSummary(outcome: NativeOutcome, context: FdMismatchContext): FdReceiverSummary {
  type NativeMismatch = Omit<RawFdMismatch, 'gotData' | 'errno'> & { gotData?: Buffer; errno?: number };
  const firstMismatches = (outcome.firstMismatches as NativeMismatch[]).map((native) => {
    const { gotData, errno, ...rest } = native;
    const m: RawFdMismatch = { ...rest };
    if (gotData !== undefined) m.gotData = showBytes(gotData, native.gotBytes);
    if (errno !== undefined) m.errno = errnoName(errno);
    return { ...m, text: describeFdMismatch(m, context) };
  });
  return { ...(outcome as unknown as FdReceiverSummary), firstMismatches };
}

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return `errno ${errno}`;
  }
}

function checkRepeat(value: number): void {
  checkWhole('repeat', value, 1, MAX_FD_REPEAT);
}

function checkWhole(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new TrafficOptionError(name, value, `a whole number from ${min} to ${max}`);
}
