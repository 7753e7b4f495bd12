// Runs inside a worker thread: one complete exchange through the engines (their results come back
// to this thread), then engines left waiting for traffic that never comes, so that terminating
// the worker exercises the engines' environment teardown (cancel, join, no callback).
import { parentPort } from 'node:worker_threads';

import { UnixSocket } from '../../../src/socket';
import { receiveDescriptors, receiveTraffic, sendTraffic } from '../../../src/traffic';

async function main(): Promise<void> {
  const [a, b] = UnixSocket.pair('stream');
  const size = { min: 64, max: 256 };
  const [received] = await Promise.all([receiveTraffic(b, { count: 1000, size }).result, sendTraffic(a, { senderId: 'w', count: 1000, size }).result]);
  const [c, d] = UnixSocket.pair('stream');
  const [e, f] = UnixSocket.pair('seqpacket');
  void receiveTraffic(d, { count: 10, size }).result.catch(() => undefined);
  void receiveTraffic(f, { count: 10, size }).result.catch(() => undefined);
  void receiveDescriptors(c, { repeat: 10, count: 1, expect: [] }).result.catch(() => undefined);
  parentPort!.postMessage({ unique: received.unique, waiting: 3, keep: [a.fd, b.fd, e.fd] });
}

main().catch((error: Error) => parentPort!.postMessage({ error: error.message }));
