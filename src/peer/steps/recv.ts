import fs from 'node:fs';
import type { Received, UnixAddress, UnixSocket } from '../../socket';
import { sameAddress, showAddress } from '../address';
import { describeBytes, plural } from '../describe';
import { StepFailure } from '../errors';
import type { StepProgress } from '../progress';
import type { PeerRuntime } from '../runtime';
import { receiveSequence } from '../traffic';
import { connectionFrom, connectionOn, fanInConnections } from '../connections';
import type { Connection } from '../runtime';
import { receiveSocket } from './destination';
import type { StepDetails, StepImpl, StepOf } from './types';

const ANY_MESSAGE_MAX = 65536;

export const recv: StepImpl<'recv'> = {
  async run(step, peer, progress) {
    const picked = await pickedConnection(step, peer, progress);
    const sock = picked?.sock ?? receiveSocket(peer, 'recv');
    const payload = step.payload;
    if (payload?.kind === 'sequence') {
      // Unnamed, on a server with several connections: one run reads them all, judged per sender.
      const fanIn = picked === undefined ? fanInConnections(peer) : [];
      const socks = fanIn.length > 0 ? fanIn.map((c) => c.sock) : [sock];
      const summary = await receiveSequence(socks, { ...payload, socketType: peer.launch.socket.type }, progress, (partial) =>
        peer.emit('traffic', { ...partial }, step.index),
      );
      const { arrivals, ...totals } = summary;
      peer.emit('traffic', { ...totals }, step.index);
      // A small exchange keeps one event per message, dated when it arrived, for the timeline.
      for (const a of arrivals ?? []) {
        peer.emit('message', { from: a.sender, seq: a.seq, bytes: a.bytes, latencyNs: a.receivedNs - a.sentNs }, step.index, a.receivedNs);
      }
      return { messages: summary.received, bytes: summary.bytes, ...(fanIn.length > 0 ? { connections: fanIn.length } : {}) };
    }
    let details: StepDetails = {};
    if (payload) {
      const expected = Buffer.from(payload.base64, 'base64');
      details =
        peer.launch.socket.type === 'stream'
          ? await receiveExactly(sock, expected, peer, progress)
          : await receiveMessage(sock, expected, step, peer, progress);
    } else if (!step.eof) {
      details = await receiveAny(sock, step, peer, progress);
    }
    if (step.eof) details = { ...details, eof: await receiveEof(sock, peer, progress) };
    return details;
  },
};

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
  const chunks: Buffer[] = [];
  let got = 0;
  progress.waitingFor(() => `${plural(expected.length, 'byte')} from ${peer.remoteName()}; got ${got}`);
  while (got < expected.length) {
    const r = await sock.recv({ maxBytes: expected.length - got });
    closeUnaskedFds(r);
    if (r.eof) {
      const sofar = Buffer.concat(chunks);
      throw new StepFailure(
        'RECV_MISMATCH',
        `recv expected ${plural(expected.length, 'byte')} but ${peer.remoteName()} ended the stream after ${got}`,
        describeBytes(expected),
        `${describeBytes(sofar)}, then end-of-file`,
      );
    }
    chunks.push(r.data);
    got += r.data.length;
    const sofar = Buffer.concat(chunks);
    if (!sofar.equals(expected.subarray(0, got))) throw mismatch(expected, sofar, peer);
  }
  return { bytes: got, data: describeBytes(expected) };
}

async function receiveMessage(
  sock: UnixSocket,
  expected: Buffer,
  step: StepOf<'recv'>,
  peer: PeerRuntime,
  progress: StepProgress,
): Promise<StepDetails> {
  progress.waitingFor(() => `a ${expected.length}-byte message from ${step.from ?? peer.remoteName()}`);
  const r = await sock.recv({ maxBytes: Math.max(ANY_MESSAGE_MAX, expected.length + 1) });
  closeUnaskedFds(r);
  if (r.eof) {
    throw new StepFailure('RECV_MISMATCH', `recv expected a message but ${peer.remoteName()} closed the connection`, describeBytes(expected), 'end-of-file');
  }
  const from = await checkSender(r, step, peer, progress);
  if (r.truncated || !r.data.equals(expected)) throw mismatch(expected, r.data, peer, r.truncated);
  return { bytes: r.data.length, from: showAddress(from), fromPeer: peer.peerAt(from), data: describeBytes(r.data) };
}

async function receiveAny(sock: UnixSocket, step: StepOf<'recv'>, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails> {
  progress.waitingFor(() => `a message from ${step.from ?? peer.remoteName()}`);
  const r = await sock.recv({ maxBytes: ANY_MESSAGE_MAX });
  closeUnaskedFds(r);
  if (r.eof) throw new StepFailure('RECV_MISMATCH', `recv expected data but ${peer.remoteName()} closed the connection`, 'data', 'end-of-file');
  const from = await checkSender(r, step, peer, progress);
  return { bytes: r.data.length, from: showAddress(from), fromPeer: peer.peerAt(from), data: describeBytes(r.data), truncated: r.truncated || undefined };
}

async function receiveEof(sock: UnixSocket, peer: PeerRuntime, progress: StepProgress): Promise<true> {
  progress.waitingFor(() => `${peer.remoteName()} to end the stream (end-of-file)`);
  const r = await sock.recv({ maxBytes: ANY_MESSAGE_MAX });
  closeUnaskedFds(r);
  if (!r.eof) {
    throw new StepFailure('RECV_MISMATCH', `recv expected end-of-file but ${peer.remoteName()} sent ${plural(r.data.length, 'byte')}`, 'end-of-file', describeBytes(r.data));
  }
  return true;
}

/** Datagram sender: checked against `from`, and remembered as the default reply address. */
async function checkSender(r: Received, step: StepOf<'recv'>, peer: PeerRuntime, progress: StepProgress): Promise<UnixAddress | undefined> {
  if (peer.launch.socket.type !== 'dgram') return undefined;
  peer.lastFrom = r.from;
  if (step.from === undefined) return r.from;
  const isPeer = peer.launch.peerPaths[step.from] !== undefined;
  const wanted = isPeer ? peer.addressesOf(step.from) : [peer.resolveAddress(step.from)];
  if (wanted.some((a) => sameAddress(a, r.from))) return r.from;
  if (isPeer && r.from !== undefined && peer.peerAt(r.from) === undefined && !peer.bindsArePlanned(step.from)) {
    // A program (or module) is known by the `bind` events it writes; the datagram may have
    // overtaken the relayed event that names its path.
    const at = r.from;
    progress.waitingFor(() => `a \`bind\` event naming ${showAddress(at)}, to tell whether ${step.from} sent the datagram (a program is known by the paths it announces; or write \`from: ${showAddress(at)}\`)`);
    const owner = await peer.log.until(() => peer.peerAt(at));
    if (owner === step.from) return r.from;
  }
  const sender = showAddress(r.from);
  const owner = peer.peerAt(r.from);
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
  return new StepFailure(
    'RECV_MISMATCH',
    `recv from ${peer.remoteName()} got other bytes than expected (${where}); expected ${describeBytes(expected)}, got ${describeBytes(got)}`,
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
