import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { ProbeAddress } from '../plan/types';
import type { SocketType } from '../scenario/types';
import type { UnixSocket as UnixSocketInstance } from '../socket';

/** How a probe address reads in messages: the path, or `@name` for an abstract one. */
export function describeAddress(address: ProbeAddress): string {
  return 'path' in address ? address.path : `@${address.abstract}`;
}

/**
 * One real connection attempt to a stream socket. Resolves undefined when the address accepted,
 * or the errno code of the refusal (ENOENT: not bound yet; ECONNREFUSED: bound, not listening).
 */
function probeStream(address: ProbeAddress): Promise<string | undefined> {
  // Node's net reaches the Linux abstract namespace through a leading NUL in the path.
  const path = 'path' in address ? address.path : `\0${address.abstract}`;
  return new Promise((resolve) => {
    const socket = net.createConnection({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(err.code ?? 'ECONNREFUSED');
    });
  });
}

/**
 * Datagram and seqpacket sockets are beyond Node's net module: connect() through the native
 * layer. A datagram connect succeeds as soon as a socket is bound at the address.
 */
async function probeNative(address: ProbeAddress, type: SocketType): Promise<string | undefined> {
  const { UnixSocket } = await import('../socket');
  const target = 'path' in address ? address.path : { abstract: address.abstract };
  let socket: UnixSocketInstance | undefined;
  try {
    socket = UnixSocket.create(type);
    await socket.connect(target);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? 'ECONNREFUSED';
  } finally {
    // A failed close of a throwaway probe says nothing about the server.
    try {
      socket?.close();
    } catch {
      /* nothing to do */
    }
  }
}

const PROC_TYPE: Record<SocketType, number> = { stream: 1, dgram: 2, seqpacket: 5 };
const SO_ACCEPTCON = 0x10000; // the "Flags" bit of a listening socket in /proc/net/unix

/**
 * Linux lists every AF_UNIX socket in /proc/net/unix with its path, type and a listening flag, so
 * readiness can be seen without connecting. That matters: a server that serves one client would
 * take a probe connection for its client and be gone before the real one arrives.
 */
async function probeProcTable(address: ProbeAddress, type: SocketType): Promise<string | undefined> {
  const wanted = 'path' in address ? address.path : `@${address.abstract}`;
  const table = await readFile('/proc/net/unix', 'utf8');
  for (const line of table.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8 || cols.slice(7).join(' ') !== wanted) continue;
    if (parseInt(cols[4]!, 16) !== PROC_TYPE[type]) continue;
    const listening = (parseInt(cols[3]!, 16) & SO_ACCEPTCON) !== 0;
    if (type === 'dgram' || listening) return undefined;
  }
  return 'ENOENT';
}

/**
 * Whether the address accepts connections: undefined when it does, else the errno code. Linux
 * reads the kernel's socket table; elsewhere a real connection is made (and closed at once), so
 * there a server that handles a single client should announce readiness on stdout instead.
 */
export function probeOnce(address: ProbeAddress, type: SocketType): Promise<string | undefined> {
  if (process.platform === 'linux') return probeProcTable(address, type);
  return type === 'stream' ? probeStream(address) : probeNative(address, type);
}
