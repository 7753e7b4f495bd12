import { UnixSocket } from '../../socket';
import { showAddress } from '../address';
import type { StepImpl } from './types';
import { sizeNewSocket } from '../buffers';

// A socket bound to an address, as bind(2) does. A bare `bind` on the server binds the scenario's
// address (a datagram server written socket, bind, recvfrom); on a client it binds the client's
// own path, so that a datagram server has an address to answer to.
export const bind: StepImpl<'bind'> = {
  async run(step, peer) {
    const server = peer.launch.role === 'server';
    if (step.path === undefined && server && peer.launch.socket.address === 'pair') return { pair: true };
    const address = step.path !== undefined ? peer.resolveAddress(step.path) : server ? peer.scenarioAddress() : peer.launch.ownPath;
    const sock = peer.own(UnixSocket.create(peer.launch.socket.type));
    let sized;
    try {
      sized = sizeNewSocket(sock, step, peer);
      sock.bind(address);
    } catch (err) {
      peer.release(sock);
      throw err;
    }
    peer.recordBound(address);
    peer.current = { sock, connected: false, bound: address };
    return { path: showAddress(address), ...sized };
  },
};
