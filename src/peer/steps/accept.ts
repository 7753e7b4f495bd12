import { showAddress } from '../address';
import { PeerError } from '../errors';
import type { StepImpl } from './types';
import { checkPeerCredentials } from './expect-peer';

export const accept: StepImpl<'accept'> = {
  async run(step, peer, progress) {
    if (peer.launch.socket.address === 'pair') return { pair: true };
    const listener = peer.listener;
    if (!listener) {
      throw new PeerError('EINVAL', 'accept', 'accept needs a listening socket: add a `listen` step before it (stream or seqpacket socket)');
    }
    progress.waitingFor(() => `a client to connect to ${showAddress(peer.scenarioAddress())}`);
    const sock = peer.own(await listener.accept());
    peer.current = { sock, connected: true };
    const credentials = sock.peerCredentials();
    await checkPeerCredentials(step.expectPeer, credentials, peer, progress);
    return { credentials };
  },
};
