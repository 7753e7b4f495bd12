import { connectionOn } from '../connections';
import type { StepImpl } from './types';

// Without `on`, closes every socket of the peer (every accepted connection, the listener). A
// well-behaved program unlinks the path it bound; `unlink: false` leaves the socket file behind,
// for tests of programs that meet a stale one. With `on`, closes that one accepted connection.
export const close: StepImpl<'close'> = {
  async run(step, peer) {
    if (step.on !== undefined) {
      peer.closeConnection(connectionOn(peer, step.on, 'close'));
      return { on: step.on };
    }
    const { unlinked, kept } = peer.closeAll(step.unlink);
    return { unlinked, kept };
  },
};
