// A stream has no message boundaries: a `recv` that reads up to a delimiter may get bytes past it
// in the same read(2). They belong to the next `recv` on that connection, so each socket keeps
// them here, and every reader of a stream takes from here before it reads the socket.
//
// It also keeps, per socket, what the timeline needs: how many bytes steps have taken in all, and
// when the last bytes taken arrived (the recvmsg(2) that read them, even if a later step takes
// them from the queue), so a `recv` is dated at the system call, never after its send.
import fs from 'node:fs';
import type { Received, UnixSocket } from '../socket';

const CHUNK = 65536;

interface Queued {
  bytes: Buffer;
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

/** Takes every queued byte (the connection is closing). */
export function takeReadAhead(sock: UnixSocket): Buffer {
  const ahead = readAhead(sock);
  queued.delete(sock);
  return ahead;
}

/** Give bytes back: they come first at the next read of `sock`. */
export function unread(sock: UnixSocket, bytes: Buffer): void {
  const before = queued.get(sock);
  const rest = Buffer.concat([bytes, before?.bytes ?? Buffer.alloc(0)]);
  const t = tally(sock);
  t.bytes -= bytes.length;
  if (rest.length === 0) queued.delete(sock);
  else queued.set(sock, { bytes: rest, atNs: Math.max(t.atNs, before?.atNs ?? 0) });
}

/** How many bytes steps have taken from `sock`, and when the last of them arrived. */
export function takenFrom(sock: UnixSocket): Readonly<Taken> {
  return { ...tally(sock) };
}

/** Records a message a step read from `sock` itself (datagram, seqpacket, descriptors). */
export function noteReceived(sock: UnixSocket, r: Received): void {
  const t = tally(sock);
  t.bytes += r.data.length;
  t.atNs = r.atNs;
  t.reads++;
}

function tally(sock: UnixSocket): Taken {
  let t = taken.get(sock);
  if (t === undefined) taken.set(sock, (t = { bytes: 0, atNs: 0, reads: 0 }));
  return t;
}

/** What is queued, else one read(2) of at most `maxBytes`; null at end-of-file. */
export async function readSome(sock: UnixSocket, maxBytes = CHUNK): Promise<Buffer | null> {
  const ahead = queued.get(sock);
  const t = tally(sock);
  if (ahead !== undefined) {
    queued.delete(sock);
    t.atNs = ahead.atNs;
    t.reads++;
    if (ahead.bytes.length > maxBytes) {
      queued.set(sock, { bytes: ahead.bytes.subarray(maxBytes), atNs: ahead.atNs });
      t.bytes += maxBytes;
      return ahead.bytes.subarray(0, maxBytes);
    }
    t.bytes += ahead.bytes.length;
    return ahead.bytes;
  }
  const r = await sock.recv({ maxBytes });
  // Descriptors arrive with any message that carried them; a plain recv did not ask for them.
  for (const fd of r.fds) fs.closeSync(fd);
  noteReceived(sock, r);
  return r.eof ? null : r.data;
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
export async function readUntil(sock: UnixSocket, delimiter: Buffer, limit: number, progress?: (got: number) => void): Promise<ReadResult> {
  let sofar = Buffer.alloc(0);
  for (;;) {
    // Search from where a delimiter split across two reads could start.
    const from = Math.max(0, sofar.length - delimiter.length + 1);
    const chunk = await readSome(sock);
    if (chunk === null) return { bytes: sofar, eof: true };
    sofar = Buffer.concat([sofar, chunk]);
    progress?.(sofar.length);
    const at = sofar.indexOf(delimiter, from);
    if (at >= 0) {
      const end = at + delimiter.length;
      unread(sock, sofar.subarray(end));
      return { bytes: sofar.subarray(0, end), eof: false };
    }
    if (sofar.length >= limit) return { bytes: sofar, eof: false, overLimit: true };
  }
}
