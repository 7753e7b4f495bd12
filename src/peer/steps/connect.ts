import { UnixSocket } from '../../socket';
import { showAddress } from '../address';
import type { StepImpl } from './types';
import { checkPeerCredentials } from './expect-peer';
import { sizeBuffers, sizeNewSocket } from '../buffers';

export const connect: StepImpl<'connect'> = {
  async run(step, peer, progress) {
    const { type, address } = peer.launch.socket;
    // The pair's socket was sized when the peer adopted it; this step's sizes go on it now.
    if (address === 'pair' && step.to === undefined) return { pair: true, ...(peer.current !== undefined ? sizeBuffers(peer.current.sock, step) : {}) };
    const target = step.to !== undefined ? peer.resolveAddress(step.to) : peer.scenarioAddress();
    // A socket made by `bind` (a datagram client's own path, or a bound stream client) is the one
    // that connects; otherwise each connect is a fresh socket.
    const current = peer.current;
    const reuse = current && !current.connected && current.sock !== peer.listener ? current.sock : undefined;
    const sock = reuse ?? peer.own(UnixSocket.create(type));
    progress.waitingFor(() => `${showAddress(target)} to accept the connection`);
    let sized;
    try {
      sized = reuse ? sizeBuffers(sock, step) : sizeNewSocket(sock, step, peer);
      await sock.connect(target);
    } catch (err) {
      if (!reuse) peer.release(sock);
      throw err;
    }
    peer.current = { sock, connected: true };
    // Dated as its connect(2) began (the native layer's stamp): before the server's accept returned.
    const details: Record<string, unknown> = { to: showAddress(target), ...sized, atNs: sock.connectAtNs };
    // Connected datagram sockets carry no credentials worth checking unless asked for.
    if (type !== 'dgram' || step.expectPeer) {
      const credentials = sock.peerCredentials();
      await checkPeerCredentials(step.expectPeer, credentials, peer, progress);
      details.credentials = credentials;
    }
    return details;
  },
};
