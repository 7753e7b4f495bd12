import { UnixSocket } from '../../socket';
import { sameAddress, showAddress } from '../address';
import type { StepImpl } from './types';
import { sizeBuffers, sizeNewSocket } from '../buffers';

// A datagram server has nothing to listen on: binding makes it reachable, and the bound socket is
// the one it receives and replies on. After a `bind` of the scenario's address (socket, bind,
// listen, as C servers do), listen uses that socket.
export const listen: StepImpl<'listen'> = {
  async run(step, peer) {
    const { type, address } = peer.launch.socket;
    if (address === 'pair') return { pair: true };
    const addr = peer.scenarioAddress();
    const current = peer.current;
    const bound = current && !current.connected && sameAddress(current.bound, addr) ? current.sock : undefined;
    if (bound && type === 'dgram') return { address: showAddress(addr), type, ...sizeBuffers(bound, step) };
    const sock = bound ?? peer.own(UnixSocket.create(type));
    let sized;
    try {
      // A socket `bind` made has the scenario's sizes already; this step's own go on either.
      sized = bound ? sizeBuffers(sock, step) : sizeNewSocket(sock, step, peer);
      if (!bound) {
        sock.bind(addr);
        peer.recordBound(addr);
      }
      if (type === 'dgram') {
        peer.current = { sock, connected: false, bound: addr };
        return { address: showAddress(addr), type, ...sized };
      }
      sock.listen(step.backlog);
    } catch (err) {
      if (!bound) peer.release(sock);
      throw err;
    }
    peer.listener = sock;
    if (bound) peer.current = undefined;
    return { address: showAddress(addr), type, backlog: step.backlog, ...sized };
  },
};
