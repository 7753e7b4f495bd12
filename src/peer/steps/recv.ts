import fs from 'node:fs';
import { MAX_MESSAGE_BYTES } from '../../limits/limits.generated';
import type { Received, UnixAddress, UnixSocket } from '../../socket';
import { sameAddress, showAddress } from '../address';
import { describeBytes, plural, PREVIEW_BYTES } from '../describe';
import { StepFailure } from '../errors';
import type { StepProgress } from '../progress';
import type { PeerRuntime } from '../runtime';
import { receiveSequence } from '../traffic';
import { connectionFrom, connectionOn, fanInConnections, remoteFields } from '../connections';
import type { Connection } from '../runtime';
import { receiveSocket } from './destination';
import type { StepDetails, StepImpl, StepOf } from './types';
import { noteReceived, queuedBefore, readAround, readExactly, readSome, readUntil, takenFrom, type ReadResult } from '../read-ahead';
import type { LengthPrefix, Payload, RecvMatcher, StreamFrame } from '../../scenario/types';
import type { TrafficArrival } from '../../traffic/types';
import { checkMatcher, showRegex } from './recv-match';
import { capturedValues, escapeRegExp, resolveCaptures, substituteCaptures } from '../captures';
import { withCaptures } from './payload-captures';
import { sizeBuffers } from '../buffers';

const ANY_MESSAGE_MAX = 65536;

export const recv: StepImpl<'recv'> = {
  async run(step, peer, progress) {
    const picked = await pickedConnection(step, peer, progress);
    const sock = picked?.sock ?? receiveSocket(peer, 'recv');
    const sized = sizeBuffers(sock, step);
    const payload = step.payload;
    if (payload?.kind === 'sequence') return { ...(await receiveTraffic(step, payload, sock, picked, peer, progress)), ...sized };
    // Dated at the system call: when the recvmsg that brought the step's last byte returned.
    const before = takenFrom(sock);
    try {
      const details = await receiveBytes(step, payload, sock, peer, progress);
      const after = takenFrom(sock);
      // Assigned, not spread: a spread of these shapes costs microseconds per step.
      if (details.fromPeer === undefined) Object.assign(details, remoteFields(peer, sock, 'from'));
      if (after.reads > before.reads) details.atNs = after.atNs;
      return Object.assign(details, sized);
    } catch (err) {
      const after = takenFrom(sock);
      if (err instanceof StepFailure && after.reads > before.reads) err.took = { bytes: after.bytes - before.bytes, atNs: after.atNs, from: remoteFields(peer, sock, 'from') };
      throw err;
    }
  },
};

type SequencePayload = Extract<Payload, { kind: 'sequence' }>;

async function receiveTraffic(step: StepOf<'recv'>, payload: SequencePayload, sock: UnixSocket, picked: Connection | undefined, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  // Unnamed, on a server with several connections: one run reads them all, judged per sender.
  const fanIn = picked === undefined ? fanInConnections(peer) : [];
  const socks = fanIn.length > 0 ? fanIn.map((c) => c.sock) : [sock];
  for (const s of socks) {
    const ahead = queuedBefore(s);
    if (ahead !== undefined) throw readAround(ahead.bytes, 'sequence traffic is read in native code', peer);
  }
  // A small exchange keeps one event per message, dated when it arrived, for the timeline; also
  // when the step timed out, from what the cancelled engine had.
  const reportArrivals = (summary: { arrivals?: TrafficArrival[] | undefined }): void => {
    for (const a of summary.arrivals ?? []) {
      peer.emit('message', { from: a.sender, seq: a.seq, bytes: a.bytes, latencyNs: a.receivedNs - a.sentNs }, step.index, a.receivedNs);
    }
  };
  const summary = await receiveSequence(
    socks,
    { ...payload, socketType: peer.launch.socket.type },
    progress,
    (partial) => peer.emit('traffic', { ...partial }, step.index),
    reportArrivals,
  );
  const { arrivals, ...totals } = summary;
  peer.emit('traffic', { ...totals }, step.index);
  reportArrivals({ arrivals });
  return { messages: summary.received, bytes: summary.bytes, ...(fanIn.length > 0 ? { connections: fanIn.length } : {}) };
}

async function receiveBytes(step: StepOf<'recv'>, payload: Exclude<Payload, SequencePayload> | undefined, sock: UnixSocket, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  let details: StepDetails = {};
  const values = await resolveCaptures(step.uses, step.index, peer, progress);
  const expected = payload ? await withCaptures(payload, step.uses, step.index, peer, progress) : undefined;
  if (expected !== undefined || step.matcher !== undefined) {
    const check: Check = { expected, matcher: matcherWith(step.matcher, values), capture: step.capture };
    if (peer.launch.socket.type !== 'stream') details = await receiveMessage(sock, check, step, peer, progress);
    else if (step.frame !== undefined) details = await receiveFramed(sock, step.frame, check, peer, progress);
    else if (step.matcher === undefined) details = await receiveExactly(sock, expected!, peer, progress);
    else details = await receiveOneRead(sock, check, step.maxBytes, peer, progress);
  } else if (step.frame !== undefined) {
    details = await receiveFramed(sock, step.frame, {}, peer, progress);
  } else if (!step.eof) {
    details = await receiveAny(sock, step, peer, progress);
  }
  if (step.eof) details = { ...details, eof: await receiveEof(sock, peer, progress) };
  const captured = details.captures as Record<string, string> | undefined;
  for (const [name, value] of Object.entries(captured ?? {})) peer.captures.set(name, value);
  return details;
}

/**
 * A connection the step names: `on: a`, or on a stream or seqpacket socket `from: <peer>` (the
 * connection that peer made). Undefined when it names none (datagram `from` checks the sender).
 */
async function pickedConnection(step: StepOf<'recv'>, peer: PeerRuntime, progress: StepProgress): Promise<Connection | undefined> {
  if (step.on !== undefined) return connectionOn(peer, step.on, 'recv');
  if (step.from === undefined || peer.launch.socket.type === 'dgram' || peer.launch.socket.address === 'pair') return undefined;
  // Heard from, answered: the connection becomes the current one, as a datagram `send` without
  // `to` answers the last sender.
  const connection = await connectionFrom(peer, step.from, 'recv', progress);
  peer.current = connection;
  return connection;
}

// A stream has no boundaries: read until the expected number of bytes arrived, never more, and
// fail as soon as a prefix differs instead of waiting for bytes that will not match anyway.
async function receiveExactly(sock: UnixSocket, expected: Buffer, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  let got = 0;
  progress.waitingFor(() => exactWaitText(peer, expected.length, got));
  const r = await readExactly(sock, expected.length, (sofar) => {
    got = sofar.length;
    if (!sofar.equals(expected.subarray(0, got))) throw mismatch(expected, sofar, peer);
  });
  if (r.eof) {
    throw new StepFailure(
      'RECV_MISMATCH',
      `recv expected ${plural(expected.length, 'byte')} but ${peer.remoteName()} ended the stream after ${r.bytes.length}`,
      describeBytes(expected),
      `${describeBytes(r.bytes)}, then end-of-file`,
    );
  }
  return { bytes: got, data: describeBytes(expected) };
}

/** What a `recv` of exact bytes on a stream waits for, for its timeout. */
export function exactWaitText(peer: PeerRuntime, length: number, got: number): string {
  return `${plural(length, 'byte')} from ${peer.remoteName()}; got ${got}`;
}

/**
 * The details of a `recv` on a stream that got exactly the `expected` bytes, as `recv` writes them
 * (for steps run in native code, src/peer/exchange.ts).
 */
export function exactDetails(peer: PeerRuntime, sock: UnixSocket, expected: Buffer, atNs: number): StepDetails {
  const details: StepDetails = { bytes: expected.length, data: describeBytes(expected) };
  Object.assign(details, remoteFields(peer, sock, 'from'));
  details.atNs = atNs;
  return details;
}

/** What a message is judged by: exact bytes, or a `match` / `contains` / `json` matcher. */
interface Check {
  expected?: Buffer | undefined;
  matcher?: RecvMatcher | undefined;
  /** with a `json` matcher: capture name → JSON path */
  capture?: Record<string, string> | undefined;
}

/** Throws when `got` fails the check; else the step details, with what it captured. */
function judge(check: Check, got: Buffer, peer: PeerRuntime): StepDetails {
  if (check.expected !== undefined && !got.equals(check.expected)) throw mismatch(check.expected, got, peer);
  if (check.matcher !== undefined) checkMatcher(check.matcher, got, peer.remoteName());
  const captures = capturedValues(check.matcher, check.capture, got);
  return { bytes: got.length, data: describeBytes(got), ...(Object.keys(captures).length > 0 ? { captures } : {}) };
}

/** The matcher with `${capture.X}` filled in: quoted in a regular expression, as is in `contains`. */
function matcherWith(matcher: RecvMatcher | undefined, values: ReadonlyMap<string, string>): RecvMatcher | undefined {
  if (matcher === undefined || values.size === 0) return matcher;
  if (matcher.kind === 'match') return { kind: 'match', regex: substituteCaptures(matcher.regex, values, escapeRegExp) };
  if (matcher.kind === 'contains') return { kind: 'contains', text: substituteCaptures(matcher.text, values) };
  return matcher;
}

function expectedText(check: Check): string {
  if (check.expected !== undefined) return describeBytes(check.expected);
  const m = check.matcher;
  if (m === undefined) return 'a message';
  return m.kind === 'match' ? showRegex(m.regex) : m.kind === 'contains' ? `containing ${JSON.stringify(m.text)}` : JSON.stringify(m.value);
}

// `until` / `lengthPrefix`: the message ends where the frame says; bytes after it stay queued for
// the next recv on this connection.
async function receiveFramed(sock: UnixSocket, frame: StreamFrame, check: Check, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  let r: ReadResult;
  if (frame.kind === 'until') {
    const delimiter = Buffer.from(frame.delimiter, 'utf8');
    let got: Buffer = Buffer.alloc(0);
    // A delimiter that is a backslash and a letter was most likely meant as a control character
    // (YAML keeps `'\n'` as two characters outside double quotes): the wait says so.
    const literal = /^\\[nrt0]$/.test(frame.delimiter) ? ` (\`until\` is a backslash and \`${frame.delimiter[1]}\`, two characters; for a control character write it in double quotes: "\\${frame.delimiter[1]}")` : '';
    progress.waitingFor(() => `bytes up to ${describeBytes(delimiter)}${literal} from ${peer.remoteName()}; got ${got.length}${got.length > 0 ? `: ${describeBytes(got)}` : ''}`);
    r = await readUntil(sock, delimiter, MAX_FRAME, (sofar) => (got = sofar));
    if (r.overLimit) {
      throw new StepFailure(
        'RECV_MISMATCH',
        `recv read ${plural(r.bytes.length, 'byte')} from ${peer.remoteName()} without the delimiter ${describeBytes(delimiter)}; at most ${MAX_FRAME} (16 MiB) is taken as a message`,
        expectedText(check),
        describeBytes(r.bytes),
      );
    }
    if (r.eof) {
      throw new StepFailure(
        'RECV_MISMATCH',
        `recv expected a message ending in ${describeBytes(delimiter)} but ${peer.remoteName()} ended the stream after ${plural(r.bytes.length, 'byte')} without it: ${describeBytes(r.bytes)}`,
        expectedText(check),
        `${describeBytes(r.bytes)}, then end-of-file`,
      );
    }
  } else {
    const width = PREFIX_WIDTH[frame.prefix];
    progress.waitingFor(() => `a ${frame.prefix} length prefix from ${peer.remoteName()}`);
    const head = await readExactly(sock, width);
    if (head.eof) {
      throw new StepFailure(
        'RECV_MISMATCH',
        `recv expected a ${width}-byte length prefix (${frame.prefix}) but ${peer.remoteName()} ended the stream after ${plural(head.bytes.length, 'byte')}`,
        expectedText(check),
        `${describeBytes(head.bytes)}, then end-of-file`,
      );
    }
    const length = readPrefix(head.bytes, frame.prefix);
    if (length > MAX_FRAME) {
      throw new StepFailure('RECV_MISMATCH', `recv read a length prefix of ${length} bytes (${frame.prefix}, hex ${head.bytes.toString('hex')}); at most ${MAX_FRAME} (16 MiB) is taken as a message`, expectedText(check), `length ${length}`);
    }
    let got = 0;
    progress.waitingFor(() => `the ${length}-byte message after its length prefix from ${peer.remoteName()}; got ${got}`);
    r = await readExactly(sock, length, (sofar) => (got = sofar.length));
    if (r.eof) {
      throw new StepFailure(
        'RECV_MISMATCH',
        `recv read a length prefix of ${length} bytes but ${peer.remoteName()} ended the stream after ${got} of them`,
        expectedText(check),
        `${describeBytes(r.bytes)}, then end-of-file`,
      );
    }
  }
  return judge(check, r.bytes, peer);
}

const PREFIX_WIDTH: Record<LengthPrefix, number> = { u8: 1, u16be: 2, u16le: 2, u32be: 4, u32le: 4 };
const MAX_FRAME = MAX_MESSAGE_BYTES;

function readPrefix(head: Buffer, prefix: LengthPrefix): number {
  switch (prefix) {
    case 'u8':
      return head.readUInt8(0);
    case 'u16be':
      return head.readUInt16BE(0);
    case 'u16le':
      return head.readUInt16LE(0);
    case 'u32be':
      return head.readUInt32BE(0);
    case 'u32le':
      return head.readUInt32LE(0);
  }
}

// A matcher on a stream without `until` or `lengthPrefix` judges one read: what is queued, else
// whatever one recv(2) returns. A peer that writes a message in pieces needs `until`.
async function receiveOneRead(sock: UnixSocket, check: Check, maxBytes: number | undefined, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  progress.waitingFor(() => `data from ${peer.remoteName()} (${expectedText(check)})`);
  const data = await readSome(sock, maxBytes);
  if (data === null) throw new StepFailure('RECV_MISMATCH', `recv expected ${expectedText(check)} but ${peer.remoteName()} ended the stream`, expectedText(check), 'end-of-file');
  return judge(check, data, peer);
}

async function receiveMessage(sock: UnixSocket, check: Check, step: StepOf<'recv'>, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  const expected = check.expected;
  progress.waitingFor(() => `${expected !== undefined ? `a ${expected.length}-byte message` : `a message (${expectedText(check)})`} from ${step.from ?? peer.remoteName()}`);
  const r = await sock.recv({ maxBytes: step.maxBytes ?? Math.max(ANY_MESSAGE_MAX, (expected?.length ?? 0) + 1) });
  noteReceived(sock, r);
  closeUnaskedFds(r);
  if (r.eof) {
    throw new StepFailure('RECV_MISMATCH', `recv expected a message but ${peer.remoteName()} closed the connection`, expectedText(check), 'end-of-file');
  }
  const from = await checkSender(r, step, peer, progress);
  checkTruncation(step, r);
  if (r.truncated && step.truncated !== true) {
    throw expected !== undefined
      ? mismatch(expected, r.data, peer, true)
      : new StepFailure('RECV_MISMATCH', `recv from ${peer.remoteName()} got a message longer than ${r.data.length} bytes`, expectedText(check), `${describeBytes(r.data)}, truncated`);
  }
  return { ...judge(check, r.data, peer), from: showAddress(from), fromPeer: peer.peerAt(from) };
}

/** `truncated:` against what MSG_TRUNC said, for a datagram or seqpacket read into `maxBytes`. */
function checkTruncation(step: StepOf<'recv'>, r: Received): void {
  if (step.truncated === undefined || step.truncated === r.truncated) return;
  throw new StepFailure(
    'TRUNCATION_MISMATCH',
    step.truncated
      ? `recv expected a message longer than its ${step.maxBytes ?? 0}-byte buffer (MSG_TRUNC), but it fit: ${plural(r.data.length, 'byte')}, ${describeBytes(r.data)}`
      : `recv expected a message that fits its ${step.maxBytes ?? 0}-byte buffer, but it was longer and was cut (MSG_TRUNC) to ${describeBytes(r.data)}`,
    step.truncated ? 'truncated' : 'not truncated',
    r.truncated ? 'truncated' : 'not truncated',
  );
}

async function receiveAny(sock: UnixSocket, step: StepOf<'recv'>, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  progress.waitingFor(() => `a message from ${step.from ?? peer.remoteName()}`);
  if (peer.launch.socket.type === 'stream') {
    const data = await readSome(sock, step.maxBytes);
    if (data === null) throw new StepFailure('RECV_MISMATCH', `recv expected data but ${peer.remoteName()} closed the connection`, 'data', 'end-of-file');
    return { bytes: data.length, data: describeBytes(data) };
  }
  const r = await sock.recv({ maxBytes: step.maxBytes ?? ANY_MESSAGE_MAX });
  noteReceived(sock, r);
  closeUnaskedFds(r);
  if (r.eof) throw new StepFailure('RECV_MISMATCH', `recv expected data but ${peer.remoteName()} closed the connection`, 'data', 'end-of-file');
  const from = await checkSender(r, step, peer, progress);
  checkTruncation(step, r);
  return { bytes: r.data.length, from: showAddress(from), fromPeer: peer.peerAt(from), data: describeBytes(r.data), truncated: r.truncated || undefined };
}

async function receiveEof(sock: UnixSocket, peer: PeerRuntime, progress: StepProgress): Promise<true> {
  progress.waitingFor(() => `${peer.remoteName()} to end the stream (end-of-file)`);
  const data = await readSome(sock, ANY_MESSAGE_MAX);
  if (data !== null) {
    throw new StepFailure('RECV_MISMATCH', `recv expected end-of-file but ${peer.remoteName()} sent ${plural(data.length, 'byte')}`, 'end-of-file', describeBytes(data));
  }
  return true;
}

/** Datagram sender: checked against `from`, and remembered as the default reply address. */
async function checkSender(r: Received, step: StepOf<'recv'>, peer: PeerRuntime, progress: StepProgress): Promise<UnixAddress | undefined> {
  if (peer.launch.socket.type !== 'dgram') return undefined;
  peer.lastFrom = r.from;
  if (step.from === undefined) return r.from;
  const from = step.from;
  const isPeer = peer.launch.peerPaths[from] !== undefined;
  // Every look at the addresses reads the relay afresh, so what is known only grows between looks.
  const wantedNow = (): UnixAddress[] => (isPeer ? peer.addressesOf(from) : [peer.resolveAddress(from)]);
  if (wantedNow().some((a) => sameAddress(a, r.from))) return r.from;
  if (isPeer && r.from !== undefined && !peer.bindsArePlanned(from)) {
    // A program (or module) is known by the `bind` events it writes; the datagram may have
    // overtaken the relayed event that names its path: wait (bounded by the step's timeout) until
    // some peer is known by it.
    const at = r.from;
    progress.waitingFor(() => `a \`bind\` event naming ${showAddress(at)}, to tell whether ${step.from} sent the datagram (a program is known by the paths it announces; or write \`from: ${showAddress(at)}\`)`);
    await peer.log.until(() => peer.peerAt(at));
  }
  // The owner first, the wanted addresses after: a path the owner look gave to `from` is then in
  // `wanted` too, and the message can never name `from` as the owner of a path it refused.
  const owner = peer.peerAt(r.from);
  const wanted = wantedNow();
  if (wanted.some((a) => sameAddress(a, r.from))) return r.from;
  const sender = showAddress(r.from);
  const known = wanted.map(showAddress).join(', ');
  throw new StepFailure(
    'RECV_MISMATCH',
    `recv expected a datagram from ${step.from}${isPeer ? ` (known by ${known})` : ''} but it came from ${sender ?? 'an unbound socket'}${owner !== undefined ? `, which is ${owner}'s` : ''}`,
    known,
    sender ?? 'unbound',
  );
}

function mismatch(expected: Buffer, got: Buffer, peer: PeerRuntime, truncated = false): StepFailure {
  const at = firstDifference(expected, got);
  const where = truncated ? `the message was longer than ${got.length} bytes` : `they differ at byte ${at}`;
  // Past the preview, the start of both is the same: show where they differ too.
  const from = Math.max(0, at - 16);
  const around = !truncated && at >= PREVIEW_BYTES - 8 ? `; from byte ${from}: expected …${describeBytes(expected.subarray(from), 48)}, got …${describeBytes(got.subarray(from), 48)}` : '';
  return new StepFailure(
    'RECV_MISMATCH',
    `recv from ${peer.remoteName()} got other bytes than expected (${where}); expected ${describeBytes(expected)}, got ${describeBytes(got)}${around}`,
    describeBytes(expected),
    describeBytes(got),
  );
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

// Descriptors arrive with any message that carried them; a plain recv did not ask for them, so it
// closes them rather than leak them.
function closeUnaskedFds(r: Received): void {
  for (const fd of r.fds) fs.closeSync(fd);
}
