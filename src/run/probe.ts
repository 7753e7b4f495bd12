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

export function probeOnce(address: ProbeAddress, type: SocketType): Promise<string | undefined> {
  return type === 'stream' ? probeStream(address) : probeNative(address, type);
}
