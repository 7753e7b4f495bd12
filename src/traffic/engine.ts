// Starts the native engine on a socket. Options are checked and defaults filled here, so native
// code only runs the loop. While a run is going, nothing else may use the socket.
import { encodeAddress } from '../socket/address';
import { errnoOf, syscallError } from '../socket/errors';
import type { UnixSocket } from '../socket';
import { describeAnomaly, type RawAnomaly } from './describe';
import { TrafficOptionError } from './errors';
import { MAX_FRAME_BYTES, senderNumber } from './frame';
import { trafficBinding, type NativeOutcome } from './native';
import { nativeType, startRun } from './run';
import { SMALL_EXCHANGE } from './types';
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
  return startRun(sock, 'send', (done) => trafficBinding().trafficSend(sock.fd, spec, done), (outcome) => outcome as unknown as SenderSummary);
}

export function receiveTraffic(sock: UnixSocket, options: ReceiveTrafficOptions): TrafficRun<ReceiverSummary> {
  checkCount(options.count, 'count');
  checkSize(options.size);
  const more = options.more ?? [];
  for (const other of more) {
    if (other.type !== sock.type) throw new TrafficOptionError('more', other.type, `connections of the same type as the first (${sock.type})`);
    if (other.closed) throw syscallError(errnoOf('EBADF'), 'recv', undefined, 'one of the connections is closed');
  }
  // A small exchange has the engine list each arrival (for per-message timeline events).
  const spec = {
    type: nativeType(sock),
    count: options.count,
    maxSize: options.size.max,
    listArrivals: options.count <= SMALL_EXCHANGE ? options.count : 0,
    more: more.map((s) => s.fd),
  };
  return startRun(sock, 'recv', (done) => trafficBinding().trafficReceive(sock.fd, spec, done), receiverSummary);
}

function receiverSummary(outcome: NativeOutcome): ReceiverSummary {
  const perSender = outcome.senders as SenderTally[];
  const anomalies = (outcome.anomalies as RawAnomaly[]).map((a) => ({ ...a, text: describeAnomaly(a) }));
  const senders: Record<string, number> = {};
  for (const s of perSender) senders[s.sender] = s.unique;
  return { ...(outcome as unknown as ReceiverSummary), senders, perSender, anomalies };
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
