import { UnixSocket } from '../../socket';
import { showAddress } from '../address';
import type { StepImpl } from './types';

// A datagram server has nothing to listen on: binding makes it reachable, and the bound socket is
// the one it receives and replies on.
export const listen: StepImpl<'listen'> = {
  async run(step, peer) {
    const { type, address } = peer.launch.socket;
    if (address === 'pair') return { pair: true };
    const addr = peer.scenarioAddress();
    const sock = peer.own(UnixSocket.create(type));
    try {
      sock.bind(addr);
      peer.recordBound(addr);
      if (type === 'dgram') {
        peer.current = { sock, connected: false };
        return { address: showAddress(addr), type };
      }
      sock.listen(step.backlog);
    } catch (err) {
      peer.release(sock);
      throw err;
    }
    peer.listener = sock;
    return { address: showAddress(addr), type, backlog: step.backlog };
  },
};
