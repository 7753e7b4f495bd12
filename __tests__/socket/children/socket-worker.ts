// Runs inside a worker thread: exchanges data over its own sockets, and with `leavePending`
// leaves a receive pending so that terminating the worker exercises environment cleanup.
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

import { UnixSocket } from '../../../src/socket';

interface Task {
  dir: string;
  leavePending: boolean;
}

async function main(): Promise<void> {
  const { dir, leavePending } = workerData as Task;
  const [left, right] = UnixSocket.pair('dgram');
  await left.send(Buffer.from('over a pair'));
  const overPair = (await right.recv()).data.toString();

  const socketPath = path.join(dir, `worker-${leavePending ? 'p' : 'x'}.sock`);
  const server = UnixSocket.create('stream');
  server.bind(socketPath);
  server.listen();
  const client = UnixSocket.create('stream');
  const [accepted] = await Promise.all([server.accept(), client.connect(socketPath)]);
  await client.send(Buffer.from('over a path'));
  const overPath = (await accepted.recv()).data.toString();

  if (leavePending) {
    void accepted.recv();
    void server.accept();
    parentPort!.postMessage({ overPair, overPath, pending: true });
    return;
  }
  for (const socket of [left, right, server, client, accepted]) socket.close();
  parentPort!.postMessage({ overPair, overPath, pending: false });
}

main().catch((error: Error & { code?: string }) => parentPort!.postMessage({ error: error.message, code: error.code }));
