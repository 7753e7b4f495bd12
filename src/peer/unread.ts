// A look at a connection as the peer closes it: bytes it never read (queued after an `until`, or
// still in the socket) are written as an `unread` event for the judge (`unreadData:`). The look
// never waits: what is queued now is read without blocking, up to a bound.
import fs from 'node:fs';
import { describeBytes } from './describe';
import { takeReadAhead } from './read-ahead';
import type { Connection, Endpoint, PeerRuntime } from './runtime';

const LOOK_MAX = 1 << 20;
const PREVIEW = 32;

/** The connected endpoints a close without `on` ends: every accepted connection, and the current one. */
export function openConnections(peer: PeerRuntime): Endpoint[] {
  const all: Endpoint[] = [...peer.accepted];
  if (peer.current !== undefined && !all.includes(peer.current)) all.push(peer.current);
  return all;
}

/** Writes an `unread` event for each of `endpoints` that holds bytes nobody read. */
export function reportUnread(peer: PeerRuntime, endpoints: readonly Endpoint[], step?: { index: number; name: string }): void {
  if (peer.launch.socket.type === 'dgram') return;
  for (const endpoint of endpoints) {
    if (!endpoint.connected || endpoint.sock.closed) continue;
    const ahead = takeReadAhead(endpoint.sock);
    // Descriptors a read ahead took are closed with the connection, as the kernel would close them.
    for (const fd of ahead.fds) fs.closeSync(fd);
    const chunks = [ahead.bytes];
    let total = ahead.bytes.length;
    let more = false;
    for (;;) {
      if (total >= LOOK_MAX) {
        more = true;
        break;
      }
      let r;
      try {
        r = endpoint.sock.tryRecv({ maxBytes: 65536 });
      } catch {
        break; // ECONNRESET and the like: the other end is gone, nothing is left to read
      }
      if (r === undefined || r.eof) break;
      for (const fd of r.fds) fs.closeSync(fd);
      chunks.push(r.data);
      total += r.data.length;
    }
    if (total === 0) continue;
    const first = describeBytes(Buffer.concat(chunks).subarray(0, PREVIEW));
    peer.emit('unread', { bytes: total, more: more || undefined, first, connection: describe(peer, endpoint), stepName: step?.name }, step?.index);
  }
}

function describe(peer: PeerRuntime, endpoint: Endpoint): string {
  const c = peer.accepted.find((a) => a === endpoint) as Connection | undefined;
  if (c === undefined) return `its connection to ${peer.remoteName()}`;
  return `connection #${c.number}${c.name !== undefined ? ` (${c.name})` : ''}`;
}
