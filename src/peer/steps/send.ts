import { showAddress } from '../address';
import { describeBytes } from '../describe';
import { sendSequence } from '../traffic';
import type { StepImpl } from './types';
import { sendTarget } from './destination';
import { remoteFields } from '../connections';
import { withCaptures } from './payload-captures';
import { sizeBuffers } from '../buffers';

export const send: StepImpl<'send'> = {
  async run(step, peer, progress) {
    const { sock, to, sized: made } = sendTarget(peer, step.to, 'send', step.on);
    // Who takes it: the peer at the address, else the peer (or pid) at the other end of the connection.
    const dest = (): Record<string, string | number> => {
      if (to === undefined) return remoteFields(peer, sock, 'to');
      const id = peer.peerAt(to);
      return id !== undefined ? { toPeer: id } : {};
    };
    const sized = Object.assign({}, made, sizeBuffers(sock, step));
    if (step.payload.kind === 'sequence') {
      const summary = await sendSequence(sock, { ...step.payload, senderId: peer.launch.id, socketType: peer.launch.socket.type, to }, progress);
      peer.emit('traffic', { ...summary }, step.index);
      return { messages: summary.sent, bytes: summary.bytes, to: showAddress(to), ...dest(), ...sized };
    }
    const data = await withCaptures(step.payload, step.uses, step.index, peer, progress);
    progress.waitingFor(() => `${(dest().toPeer as string | undefined) ?? showAddress(to) ?? peer.remoteName()} to take ${data.length} bytes`);
    // Dated as the sendmsg that wrote the last bytes began: before any receive of them.
    const { bytes, atNs } = await sock.sendDated(data, to !== undefined ? { to } : undefined);
    // Assigned, not spread: a spread of these shapes costs microseconds per step.
    const details: Record<string, unknown> = { bytes, to: showAddress(to) };
    Object.assign(details, dest());
    details.data = describeBytes(data);
    details.atNs = atNs;
    return Object.assign(details, sized);
  },
};
