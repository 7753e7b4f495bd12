import { showAddress } from '../address';
import { sendFdsBulk, type FdSenderSummary } from '../fd-bulk';
import { OutgoingFds } from '../fd-sources';
import type { StepImpl } from './types';
import { sendTarget } from './destination';
import { sizeBuffers } from '../buffers';
import { remoteFields } from '../connections';

export const sendFds: StepImpl<'sendFds'> = {
  async run(step, peer, progress) {
    const { sock, to, sized: made } = sendTarget(peer, undefined, 'sendmsg', step.on);
    const sized = { ...made, ...sizeBuffers(sock, step) };
    // SCM_RIGHTS travels with data: at least one byte must go with the descriptors.
    const data = Buffer.from(step.data.length > 0 ? step.data : 'F');
    const outgoing = new OutgoingFds();
    let bulk: FdSenderSummary | undefined;
    let atNs: number | undefined;
    try {
      for (const name of step.files) outgoing.addFile(name, peer.launch.files[name]);
      if (step.pipe) outgoing.addPipe(step.pipe.content, peer.launch.dir, peer.launch.id);
      if (step.socket) await outgoing.addSocket(step.socket.content);
      if (step.dir !== undefined) outgoing.addDir(step.dir, peer.launch.dir);
      const receiver = peer.peerAt(to) ?? peer.remoteName();
      const fdNumbers = outgoing.fds.map((f) => f.fd);
      if (step.repeat !== undefined) {
        bulk = await sendFdsBulk(sock, { fds: fdNumbers, data, repeat: step.repeat, receiver, ...(to !== undefined ? { to } : {}) }, progress);
      } else {
        progress.waitingFor(() => `${receiver} to take ${outgoing.fds.length} descriptors`);
        ({ atNs } = await sock.sendDated(data, { fds: fdNumbers, ...(to !== undefined ? { to } : {}) }));
      }
    } finally {
      outgoing.close();
    }
    const fds = outgoing.fds.map(({ fd: _fd, ...about }) => about);
    const dest = to !== undefined ? { toPeer: peer.peerAt(to) } : remoteFields(peer, sock, 'to');
    const sent = { count: fds.length, fds, data: data.toString('utf8'), to: showAddress(to), ...dest, ...sized };
    return bulk === undefined ? { ...sent, atNs } : { ...sent, repeat: bulk.repeat, sent: bulk.sent, elapsedNs: bulk.elapsedNs };
  },
};
