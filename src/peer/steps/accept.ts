import { showAddress } from '../address';
import { PeerError } from '../errors';
import type { StepImpl } from './types';
import { checkPeerCredentials } from './expect-peer';
import { sizeNewSocket } from '../buffers';

// Each accept adds a connection and makes it the current one; earlier ones stay open, for `on:`
// (named by `as`), `from: <peer>`, and sequence traffic fanning in from all of them.
export const accept: StepImpl<'accept'> = {
  async run(step, peer, progress) {
    if (peer.launch.socket.address === 'pair') return { pair: true };
    const listener = peer.listener;
    if (!listener) {
      throw new PeerError('EINVAL', 'accept', 'accept needs a listening socket: add a `listen` step before it (stream or seqpacket socket)');
    }
    progress.waitingFor(() => `a client to connect to ${showAddress(peer.scenarioAddress())}`);
    const sock = peer.own(await listener.accept());
    // An accepted socket does not inherit the listener's sizes (AF_UNIX makes it afresh).
    const sized = sizeNewSocket(sock, step, peer);
    const credentials = sock.peerCredentials();
    const connection = peer.addConnection({ sock, connected: true, pid: credentials.pid, ...(step.as !== undefined ? { name: step.as } : {}) });
    await checkPeerCredentials(step.expectPeer, credentials, peer, progress);
    // Dated as its accept(2) returned (the native layer's stamp): after the client's connect began.
    return { credentials, connection: connection.number, ...(step.as !== undefined ? { as: step.as } : {}), ...sized, atNs: sock.acceptedAtNs };
  },
};
