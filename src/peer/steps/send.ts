import { showAddress } from '../address';
import { describeBytes } from '../describe';
import { sendSequence } from '../traffic';
import type { StepImpl } from './types';
import { sendTarget } from './destination';
import { remoteFields } from '../connections';
import { withCaptures } from './payload-captures';
import { sizeBuffers } from '../buffers';
import type { UnixAddress, UnixSocket } from '../../socket';
import type { PeerRuntime } from '../runtime';

export const send: StepImpl<'send'> = {
  async run(step, peer, progress) {
    const { sock, to, sized: made } = sendTarget(peer, step.to, 'send', step.on);
    const sized = Object.assign({}, made, sizeBuffers(sock, step));
    if (step.payload.kind === 'sequence') {
      const summary = await sendSequence(sock, { ...step.payload, senderId: peer.launch.id, socketType: peer.launch.socket.type, to }, progress);
      peer.emit('traffic', { ...summary }, step.index);
      return { messages: summary.sent, bytes: summary.bytes, to: showAddress(to), ...receiver(peer, sock, to), ...sized };
    }
    const data = await withCaptures(step.payload, step.uses, step.index, peer, progress);
    progress.waitingFor(() => sendWaitText(peer, sock, to, data.length));
    // Dated as the sendmsg that wrote the last bytes began: before any receive of them.
    const { bytes, atNs } = await sock.sendDated(data, to !== undefined ? { to } : undefined);
    return Object.assign(sentDetails(peer, sock, to, data, bytes, atNs), sized);
  },
};

/** Who takes what `sock` sends: the peer at `to`, else the peer (or pid) at the other end of the connection. */
function receiver(peer: PeerRuntime, sock: UnixSocket, to: UnixAddress | undefined): Record<string, string | number> {
  if (to === undefined) return remoteFields(peer, sock, 'to');
  const id = peer.peerAt(to);
  return id !== undefined ? { toPeer: id } : {};
}

/** What a waiting `send` waits for, for its timeout: the receiver to take the bytes. */
export function sendWaitText(peer: PeerRuntime, sock: UnixSocket, to: UnixAddress | undefined, length: number): string {
  return `${(receiver(peer, sock, to).toPeer as string | undefined) ?? showAddress(to) ?? peer.remoteName()} to take ${length} bytes`;
}

/** The details of a completed `send` of `data` (also for one run in native code, src/peer/exchange.ts). */
export function sentDetails(peer: PeerRuntime, sock: UnixSocket, to: UnixAddress | undefined, data: Buffer, bytes: number, atNs: number): Record<string, unknown> {
  // Assigned, not spread: a spread of these shapes costs microseconds per step.
  const details: Record<string, unknown> = { bytes, to: showAddress(to) };
  Object.assign(details, receiver(peer, sock, to));
  details.data = describeBytes(data);
  details.atNs = atNs;
  return details;
}
