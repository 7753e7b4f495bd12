import { showAddress } from '../address';
import { OutgoingFds } from '../fd-sources';
import type { StepImpl } from './types';
import { sendTarget } from './destination';

export const sendFds: StepImpl<'sendFds'> = {
  async run(step, peer, progress) {
    const { sock, to } = sendTarget(peer, undefined, 'sendmsg');
    // SCM_RIGHTS travels with data: at least one byte must go with the descriptors.
    const data = Buffer.from(step.data.length > 0 ? step.data : 'F');
    const outgoing = new OutgoingFds();
    try {
      for (const name of step.files) outgoing.addFile(name, peer.launch.files[name]);
      if (step.pipe) outgoing.addPipe(step.pipe.content, peer.launch.dir, peer.launch.id);
      if (step.socket) await outgoing.addSocket(step.socket.content);
      if (step.dir !== undefined) outgoing.addDir(step.dir, peer.launch.dir);
      progress.waitingFor(() => `${peer.peerAt(to) ?? peer.remoteName()} to take ${outgoing.fds.length} descriptors`);
      await sock.send(data, { fds: outgoing.fds.map((f) => f.fd), ...(to !== undefined ? { to } : {}) });
    } finally {
      outgoing.close();
    }
    const fds = outgoing.fds.map(({ fd: _fd, ...about }) => about);
    return { count: fds.length, fds, data: data.toString('utf8'), to: showAddress(to), toPeer: peer.peerAt(to) };
  },
};
