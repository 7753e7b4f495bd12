import type { StepImpl } from './types';

// Closes every socket of the peer. A well-behaved program unlinks the path it bound;
// `unlink: false` leaves the socket file behind, for tests of programs that meet a stale one.
export const close: StepImpl<'close'> = {
  async run(step, peer) {
    const { unlinked, kept } = peer.closeAll(step.unlink);
    return { unlinked, kept };
  },
};
