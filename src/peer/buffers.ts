// Socket buffer sizes (`sndbuf`, `rcvbuf`): the scenario's go on every socket a scripted peer
// makes, accepts or inherits, a step's on the socket it makes or uses, before its system call.
// The kernel may settle on another size than the one asked for (Linux doubles it and has a
// minimum), so the step's event reports both: a scenario about EMSGSIZE or backpressure is read
// against the size that was really in force.
import type { UnixSocket } from '../socket';
import type { SocketBuffers } from '../scenario/types';
import type { PeerRuntime } from './runtime';

export interface SizeReport {
  asked: number;
  set: number;
}
export type BufferReport = { sndbuf?: SizeReport; rcvbuf?: SizeReport };

/** Sets each size given; throws the setsockopt error (its errno kept) when the kernel refuses. */
export function sizeBuffers(sock: UnixSocket, sizes: SocketBuffers): BufferReport {
  const report: BufferReport = {};
  for (const which of ['sndbuf', 'rcvbuf'] as const) {
    const asked = sizes[which];
    if (asked !== undefined) report[which] = { asked, set: sock.bufferSize(which, asked) };
  }
  return report;
}

/** A socket the step made (or accepted): the scenario's sizes, overridden by the step's. */
export function sizeNewSocket(sock: UnixSocket, step: SocketBuffers, peer: PeerRuntime): BufferReport {
  const { sndbuf, rcvbuf } = peer.launch.socket;
  return sizeBuffers(sock, { sndbuf: step.sndbuf ?? sndbuf, rcvbuf: step.rcvbuf ?? rcvbuf });
}
