import { connectionOn } from '../connections';
import { openConnections, reportUnread } from '../unread';
import type { StepImpl } from './types';

// Without `on`, closes every socket of the peer (every accepted connection, the listener). A
// well-behaved program unlinks the path it bound; `unlink: false` leaves the socket file behind,
// for tests of programs that meet a stale one. With `on`, closes that one accepted connection.
export const close: StepImpl<'close'> = {
  async run(step, peer) {
    const at = { index: step.index, name: 'close' };
    if (step.on !== undefined) {
      const connection = connectionOn(peer, step.on, 'close');
      reportUnread(peer, [connection], at);
      peer.closeConnection(connection);
      return { on: step.on };
    }
    reportUnread(peer, openConnections(peer), at);
    const { unlinked, kept } = peer.closeAll(step.unlink);
    return { unlinked, kept };
  },
};
