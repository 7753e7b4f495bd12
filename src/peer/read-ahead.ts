// A stream has no message boundaries: a `recv` that reads up to a delimiter may get bytes past it
// in the same read(2). They belong to the next reader of that connection, so each socket keeps
// them here, and every reader of a stream takes from here before it reads the socket. Descriptors
// (SCM_RIGHTS) that came in such a read stay queued with those bytes: the kernel ends a read with
// the message that carried them, so they belong to its last bytes, and a `recvFds` takes them.
//
// It also keeps, per socket, what the timeline needs: how many bytes steps have taken in all, and
// when the last bytes taken arrived (the recvmsg(2) that read them, even if a later step takes
// them from the queue), so a `recv` is dated at the system call, never after its send.
import fs from 'node:fs';
import type { Received, UnixSocket } from '../socket';
import { describeBytes, plural } from './describe';
import { StepFailure } from './errors';
import type { PeerRuntime } from './runtime';

const CHUNK = 65536;

export interface Queued {
  bytes: Buffer;
  fds: number[];
  /** when the recvmsg that read the last of them returned */
  atNs: number;
}

interface Taken {
  /** bytes handed to steps so far (given-back bytes not counted) */
  bytes: number;
  /** when the last bytes handed out arrived; 0 before any */
  atNs: number;
  /** reads handed out (end-of-file included), to tell whether a step read anything */
  reads: number;
}

const queued = new WeakMap<UnixSocket, Queued>();
const taken = new WeakMap<UnixSocket, Taken>();

/** Bytes read from `sock` that no step has taken yet. */
export function readAhead(sock: UnixSocket): Buffer {
  return queued.get(sock)?.bytes ?? Buffer.alloc(0);
}

/** Takes every queued byte and descriptor (the connection is closing, or a `recvFds` takes them). */
export function takeReadAhead(sock: UnixSocket): Queued {
  const ahead = queued.get(sock) ?? { bytes: Buffer.alloc(0), fds: [], atNs: 0 };
  queued.delete(sock);
  return ahead;
}

/** Give bytes (and the descriptors that came with them) back: they come first at the next read of `sock`. */
export function unread(sock: UnixSocket, bytes: Buffer, fds: number[] = []): void {
  const before = queued.get(sock);
  const t = tally(sock);
  t.bytes -= bytes.length;
  const rest: Queued = {
    bytes: Buffer.concat([bytes, before?.bytes ?? Buffer.alloc(0)]),
    fds: [...fds, ...(before?.fds ?? [])],
    atNs: Math.max(t.atNs, before?.atNs ?? 0),
  };
  if (rest.bytes.length === 0) {
    closeAll(rest.fds);
    queued.delete(sock);
  } else queued.set(sock, rest);
}

/**
 * Bytes read from `sock` by the native traffic engine past its last frame: they come first at the
 * next read. Dated now, after the read that took them, so a receive of them stays after their send.
 */
export function putAhead(sock: UnixSocket, bytes: Buffer): void {
  if (bytes.length === 0) return;
  const before = queued.get(sock);
  queued.set(sock, { bytes: Buffer.concat([bytes, before?.bytes ?? Buffer.alloc(0)]), fds: before?.fds ?? [], atNs: Number(process.hrtime.bigint()) });
}

/** How many bytes steps have taken from `sock`, and when the last of them arrived. */
export function takenFrom(sock: UnixSocket): Readonly<Taken> {
  return { ...tally(sock) };
}

/** Records a message a step read from `sock` itself (datagram, seqpacket, descriptors). */
export function noteReceived(sock: UnixSocket, r: Pick<Received, 'data' | 'atNs'>): void {
  const t = tally(sock);
  t.bytes += r.data.length;
  t.atNs = r.atNs;
  t.reads++;
}

/** Records `reads` reads of `bytes` in all that native code made on `sock` for steps, the last at `atNs`. */
export function noteReadNatively(sock: UnixSocket, bytes: number, atNs: number, reads: number): void {
  if (reads === 0) return;
  const t = tally(sock);
  t.bytes += bytes;
  t.atNs = atNs;
  t.reads += reads;
}

function tally(sock: UnixSocket): Taken {
  let t = taken.get(sock);
  if (t === undefined) taken.set(sock, (t = { bytes: 0, atNs: 0, reads: 0 }));
  return t;
}

function closeAll(fds: readonly number[]): void {
  for (const fd of fds) fs.closeSync(fd);
}

/** What is queued, else one read(2) of at most `maxBytes`, with its descriptors; null at end-of-file. */
async function readChunk(sock: UnixSocket, maxBytes: number): Promise<Queued | null> {
  const ahead = queued.get(sock);
  const t = tally(sock);
  if (ahead !== undefined) {
    queued.delete(sock);
    t.atNs = ahead.atNs;
    t.reads++;
    if (ahead.bytes.length > maxBytes) {
      // The descriptors belong to the last bytes, which stay queued.
      queued.set(sock, { bytes: ahead.bytes.subarray(maxBytes), fds: ahead.fds, atNs: ahead.atNs });
      t.bytes += maxBytes;
      return { bytes: ahead.bytes.subarray(0, maxBytes), fds: [], atNs: ahead.atNs };
    }
    t.bytes += ahead.bytes.length;
    return ahead;
  }
  const r = await sock.recv({ maxBytes });
  noteReceived(sock, r);
  return r.eof ? null : { bytes: r.data, fds: r.fds, atNs: r.atNs };
}

/** What is queued, else one read(2) of at most `maxBytes`; null at end-of-file. */
export async function readSome(sock: UnixSocket, maxBytes = CHUNK): Promise<Buffer | null> {
  const chunk = await readChunk(sock, maxBytes);
  if (chunk === null) return null;
  // Descriptors arrive with any message that carried them; a plain recv did not ask for them.
  closeAll(chunk.fds);
  return chunk.bytes;
}

export interface ReadResult {
  bytes: Buffer;
  /** the stream ended before the read was complete */
  eof: boolean;
  /** `readUntil` read `limit` bytes without finding the delimiter */
  overLimit?: boolean;
}

/** Exactly `n` bytes, never reading past them (or fewer, with `eof`, when the stream ends). */
export async function readExactly(sock: UnixSocket, n: number, onChunk?: (sofar: Buffer) => void): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await readSome(sock, n - got);
    if (chunk === null) return { bytes: Buffer.concat(chunks), eof: true };
    chunks.push(chunk);
    got += chunk.length;
    onChunk?.(Buffer.concat(chunks));
  }
  return { bytes: Buffer.concat(chunks), eof: false };
}

/** Up to and including `delimiter`; what came after it stays queued. Gives up after `limit` bytes. */
export async function readUntil(sock: UnixSocket, delimiter: Buffer, limit: number, progress?: (sofar: Buffer) => void): Promise<ReadResult> {
  let sofar = Buffer.alloc(0);
  for (;;) {
    // Search from where a delimiter split across two reads could start.
    const from = Math.max(0, sofar.length - delimiter.length + 1);
    const chunk = await readChunk(sock, CHUNK);
    if (chunk === null) return { bytes: sofar, eof: true };
    sofar = Buffer.concat([sofar, chunk.bytes]);
    progress?.(sofar);
    const at = sofar.indexOf(delimiter, from);
    if (at >= 0) {
      const end = at + delimiter.length;
      // Descriptors that came with this read go with the bytes past the delimiter, if any stay.
      unread(sock, sofar.subarray(end), chunk.fds);
      return { bytes: sofar.subarray(0, end), eof: false };
    }
    closeAll(chunk.fds);
    if (sofar.length >= limit) return { bytes: sofar, eof: false, overLimit: true };
  }
}

/** The failure of a native reader that would read around queued bytes. */
export function readAround(ahead: Buffer, what: string, peer: PeerRuntime): StepFailure {
  return new StepFailure(
    'RECV_MISMATCH',
    `${plural(ahead.length, 'byte')} from ${peer.remoteName()} that an earlier \`recv\` read past its delimiter are still unread (${describeBytes(ahead.subarray(0, 32))}); ${what} and would read around them: read them first with a \`recv\``,
    'nothing queued',
    describeBytes(ahead.subarray(0, 32)),
  );
}

/**
 * Native readers (sequence traffic, bulk `recvFds`) read the socket itself and would read around
 * bytes an earlier `recv` took past its delimiter: those must be read first.
 */
export function queuedBefore(sock: UnixSocket): Queued | undefined {
  const ahead = queued.get(sock);
  return ahead !== undefined && ahead.bytes.length > 0 ? ahead : undefined;
}
