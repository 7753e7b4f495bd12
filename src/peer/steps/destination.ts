// Which socket a send uses and where an unconnected datagram goes: `to` (a peer id or a path),
// else back to the sender of the last datagram received, else the scenario socket. A server's
// step may name one of its accepted connections with `on:`; without it, the current one is used
// (the most recently accepted, connected or bound socket).
import { UnixSocket, type UnixAddress } from '../../socket';
import { endpointFor } from '../connections';
import { PeerError } from '../errors';
import type { PeerRuntime } from '../runtime';
import { sizeNewSocket, type BufferReport } from '../buffers';

export interface SendTarget {
  sock: UnixSocket;
  /** set for an unconnected datagram socket */
  to?: UnixAddress;
  /** the scenario's buffer sizes, when this call made the socket */
  sized?: BufferReport;
}

export function sendTarget(peer: PeerRuntime, to: string | undefined, syscall: string, on?: string): SendTarget {
  const current = endpointFor(peer, on, syscall);
  if (peer.launch.socket.type !== 'dgram') {
    if (!current?.connected) {
      throw new PeerError('ENOTCONN', syscall, `${syscall} needs a connection: add a \`connect\` or \`accept\` step before it`);
    }
    if (to !== undefined) {
      throw new PeerError('EISCONN', syscall, `\`to: ${to}\` is for datagram sockets; a ${peer.launch.socket.type} socket sends to the peer it is connected to`);
    }
    return { sock: current.sock };
  }
  if (current?.connected && to === undefined) return { sock: current.sock };
  const made = datagramSocket(peer);
  return { ...made, to: to !== undefined ? peer.resolveAddress(to) : (peer.lastFrom ?? peer.scenarioAddress()) };
}

/** The current datagram socket, or an unbound one (with the scenario's sizes) for a client that only sends. */
function datagramSocket(peer: PeerRuntime): { sock: UnixSocket; sized?: BufferReport } {
  if (peer.current) return { sock: peer.current.sock };
  const sock = peer.own(UnixSocket.create('dgram'));
  peer.current = { sock, connected: false };
  return { sock, sized: sizeNewSocket(sock, {}, peer) };
}

/** The socket a receive uses: a connection, or a bound datagram socket. */
export function receiveSocket(peer: PeerRuntime, syscall: string, on?: string): UnixSocket {
  const current = endpointFor(peer, on, syscall);
  if (current && (current.connected || peer.launch.socket.type === 'dgram')) return current.sock;
  const fix = peer.launch.socket.type === 'dgram' ? '`listen`, `bind` or `connect`' : '`connect` or `accept`';
  throw new PeerError('ENOTCONN', syscall, `${syscall} needs a socket to receive on: add a ${fix} step before it`);
}
