import { UnixSocket } from '../../socket';
import { showAddress } from '../address';
import type { StepImpl } from './types';

// A client binds its own path so that a datagram server has an address to answer to.
export const bind: StepImpl<'bind'> = {
  async run(step, peer) {
    const path = step.path ?? peer.launch.ownPath;
    const sock = peer.own(UnixSocket.create(peer.launch.socket.type));
    try {
      sock.bind(path);
    } catch (err) {
      peer.release(sock);
      throw err;
    }
    peer.recordBound(path);
    peer.current = { sock, connected: false };
    return { path: showAddress(path) };
  },
};
