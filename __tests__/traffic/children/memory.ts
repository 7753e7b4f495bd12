// Bounded memory: receives argv[2] small datagrams over a socketpair and prints the receiver's
// resident set before and after, and the summary, as one JSON line.
import { UnixSocket } from '../../../src/socket';
import { receiveTraffic, sendTraffic } from '../../../src/traffic';

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  const size = { min: 64, max: 64 };
  const [a, b] = UnixSocket.pair('dgram');
  try {
    // Warm up once so the baseline includes the engine's code and first allocations.
    await Promise.all([receiveTraffic(b, { count: 1000, size }).result, sendTraffic(a, { senderId: 'warm', count: 1000, size }).result]);
    const before = process.memoryUsage().rss;
    const received = receiveTraffic(b, { count, size });
    const sent = sendTraffic(a, { senderId: 'client', count, size });
    const [summary] = await Promise.all([received.result, sent.result]);
    const after = process.memoryUsage().rss;
    process.stdout.write(JSON.stringify({ before, after, received: summary.received, lost: summary.lost, unique: summary.unique }) + '\n');
  } finally {
    a.close();
    b.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
