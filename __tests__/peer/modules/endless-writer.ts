// A module server that hands its client one end of a socketpair and writes into the other end
// without end, until the client closes what it received: `recvFds` content checks must read a
// bounded amount, not grow until the step times out.
import type { ModulePeerContext } from '../../../src';

export default async function endlessWriter(peer: ModulePeerContext): Promise<void> {
  await peer.listen();
  const conn = await peer.accept();
  const [kept, given] = peer.UnixSocket.pair('stream');
  await conn.sendFds([given.fd]);
  given.close();
  const chunk = Buffer.alloc(64 * 1024, 0x7a);
  try {
    for (;;) await kept.send(chunk);
  } catch {
    // EPIPE: the client closed the end it received
  }
  kept.close();
  conn.close();
}
