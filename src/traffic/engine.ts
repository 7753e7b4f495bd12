// Starts the native engine on a socket. Options are checked and defaults filled here, so native
// code only runs the loop. While a run is going, nothing else may use the socket.
import { encodeAddress } from '../socket/address';
import { binding } from '../socket/binding';
import { cancelledError, errnoOf, syscallError } from '../socket/errors';
import type { UnixSocket } from '../socket';
import { describeAnomaly, type RawAnomaly } from './describe';
import { TrafficError, TrafficOptionError } from './errors';
import { MAX_FRAME_BYTES, senderNumber } from './frame';
import { trafficBinding, type NativeOutcome, type NativeTrafficHandle } from './native';
import type {
  ReceiveTrafficOptions,
  ReceiverSummary,
  SendTrafficOptions,
  SenderSummary,
  SenderTally,
  TrafficInjection,
  TrafficRun,
} from './types';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

export function sendTraffic(sock: UnixSocket, options: SendTrafficOptions): TrafficRun<SenderSummary> {
  checkCount(options.count, 'count');
  checkSize(options.size);
  if (typeof options.senderId !== 'string' || options.senderId === '') throw new TrafficOptionError('senderId', options.senderId, 'a non-empty peer id');
  const spec = {
    type: nativeType(sock),
    sender: senderNumber(options.senderId),
    id: Buffer.from(options.senderId, 'utf8'),
    count: options.count,
    minSize: options.size.min,
    maxSize: options.size.max,
    to: options.to === undefined ? null : encodeAddress(options.to, 'sendto'),
    ...(options.inject ? { inject: flatInjection(options.inject, options.count) } : {}),
  };
  return start(sock, 'send', (done) => trafficBinding().trafficSend(sock.fd, spec, done), (outcome) => outcome as unknown as SenderSummary);
}

export function receiveTraffic(sock: UnixSocket, options: ReceiveTrafficOptions): TrafficRun<ReceiverSummary> {
  checkCount(options.count, 'count');
  checkSize(options.size);
  const spec = { type: nativeType(sock), count: options.count, maxSize: options.size.max };
  return start(sock, 'recv', (done) => trafficBinding().trafficReceive(sock.fd, spec, done), receiverSummary);
}

function receiverSummary(outcome: NativeOutcome): ReceiverSummary {
  const perSender = outcome.senders as SenderTally[];
  const anomalies = (outcome.anomalies as RawAnomaly[]).map((a) => ({ ...a, text: describeAnomaly(a) }));
  const senders: Record<string, number> = {};
  for (const s of perSender) senders[s.sender] = s.unique;
  return { ...(outcome as unknown as ReceiverSummary), senders, perSender, anomalies };
}

// Runs still going when the process exits are stopped first: libuv joins its pool threads on the
// way out, and a thread still in the loop would hold the exit up.
const running = new Set<NativeTrafficHandle>();
let exitHookInstalled = false;

function start<S extends SenderSummary | ReceiverSummary>(
  sock: UnixSocket,
  syscall: string,
  launch: (done: (outcome: NativeOutcome) => void) => NativeTrafficHandle | number,
  summarize: (outcome: NativeOutcome) => S,
): TrafficRun<S> {
  if (sock.closed) throw syscallError(errnoOf('EBADF'), syscall, undefined, 'the socket is closed');
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const handle of running) handle.cancel();
    });
  }
  let handle: NativeTrafficHandle | undefined;
  const result = new Promise<S>((resolve, reject) => {
    const started = launch((outcome) => {
      if (handle) running.delete(handle);
      const summary = summarize(outcome);
      if (outcome.error) reject(new TrafficError(syscallError(outcome.error.errno, outcome.error.syscall), summary));
      else if (outcome.stopped === 'closed') reject(new TrafficError(cancelledError(syscall), summary));
      else resolve(summary);
    });
    if (typeof started === 'number') {
      reject(syscallError(started, 'dup', undefined, 'cannot give the traffic engine its own descriptor'));
      return;
    }
    handle = started;
    running.add(started);
  });
  return {
    result,
    cancel: () => handle?.cancel(),
    progress: () => {
      const [messages, bytes] = handle?.progress() ?? [0, 0];
      return { messages, bytes };
    },
  };
}

function nativeType(sock: UnixSocket): number {
  const { constants } = binding();
  return sock.type === 'stream' ? constants.SOCK_STREAM : sock.type === 'dgram' ? constants.SOCK_DGRAM : constants.SOCK_SEQPACKET;
}

function checkCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_COUNT) throw new TrafficOptionError(name, value, 'a whole number of messages, 0 or more');
}

function checkSize(size: { min: number; max: number }): void {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= MAX_FRAME_BYTES;
  if (!size || !ok(size.min) || !ok(size.max) || size.min > size.max) {
    throw new TrafficOptionError('size', size, `a range min..max of whole byte counts up to ${MAX_FRAME_BYTES}`);
  }
}

function flatInjection(inject: TrafficInjection, count: number): { drop: number[]; dup: number[]; corrupt: number[]; swap: number[] } {
  const seqs = (list: number[] | undefined, name: string): number[] => {
    for (const seq of list ?? []) if (!Number.isSafeInteger(seq) || seq < 0 || seq >= count) throw new TrafficOptionError(`inject.${name}`, seq, `a sequence number below count (${count})`);
    return list ?? [];
  };
  const swap: number[] = [];
  for (const pair of inject.swap ?? []) {
    const [a, b] = pair;
    seqs([a, b], 'swap');
    if (!(a < b)) throw new TrafficOptionError('inject.swap', pair, 'a pair [a, b] with a < b');
    swap.push(a, b);
  }
  return { drop: seqs(inject.drop, 'drop'), dup: seqs(inject.dup, 'dup'), corrupt: seqs(inject.corrupt, 'corrupt'), swap };
}
