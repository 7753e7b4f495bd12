// A descriptor sender process: connects to argv[2] (a stream socket), opens the files in argv[3]
// (JSON: { files, repeat, data }), sends them `repeat` times through the bulk descriptor engine,
// prints the summary as one JSON line and exits.
import { closeSync, openSync } from 'node:fs';
import { UnixSocket } from '../../../src/socket';
import { sendDescriptors } from '../../../src/traffic';

interface Options {
  files: string[];
  repeat: number;
  data?: string;
}

async function main(): Promise<void> {
  const path = process.argv[2]!;
  const options = JSON.parse(process.argv[3]!) as Options;
  const sock = UnixSocket.create('stream');
  const fds = options.files.map((file) => openSync(file, 'r'));
  try {
    await sock.connect(path);
    const run = sendDescriptors(sock, { fds, data: Buffer.from(options.data ?? 'F'), repeat: options.repeat });
    process.stdout.write(JSON.stringify(await run.result) + '\n');
  } finally {
    for (const fd of fds) closeSync(fd);
    sock.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
