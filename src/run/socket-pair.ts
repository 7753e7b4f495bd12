import type { SocketType } from '../scenario/types';

/** The two ends of a socketpair, as raw descriptors to hand to peers, and a way to drop the harness's copies. */
export interface SocketPairEnds {
  fds: [number, number];
  /** closes both ends in the harness (each peer keeps its inherited copy); idempotent */
  close(): void;
}

export async function openSocketPair(type: SocketType): Promise<SocketPairEnds> {
  // Loaded on demand: only address: pair needs the native addon in the harness.
  const { UnixSocket } = await import('../socket');
  const [a, b] = UnixSocket.pair(type);
  let open = true;
  return {
    fds: [a.fd, b.fd],
    close() {
      if (!open) return;
      open = false;
      a.close();
      b.close();
    },
  };
}
