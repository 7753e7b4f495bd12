// A sender process: connects (or sends to) argv[2], runs the traffic engine with the options in
// argv[3] (JSON), prints the summary as one JSON line and exits.
import { UnixSocket, type SocketType } from '../../../src/socket';
import { sendTraffic, type TrafficInjection } from '../../../src/traffic';

interface Options {
  type: SocketType;
  connect: boolean;
  senderId: string;
  count: number;
  size: { min: number; max: number };
  inject?: TrafficInjection;
}

async function main(): Promise<void> {
  const path = process.argv[2]!;
  const options = JSON.parse(process.argv[3]!) as Options;
  const sock = UnixSocket.create(options.type);
  try {
    if (options.connect) await sock.connect(path);
    const run = sendTraffic(sock, {
      senderId: options.senderId,
      count: options.count,
      size: options.size,
      ...(options.connect ? {} : { to: path }),
      ...(options.inject ? { inject: options.inject } : {}),
    });
    process.stdout.write(JSON.stringify(await run.result) + '\n');
  } finally {
    sock.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
