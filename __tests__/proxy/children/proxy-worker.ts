// Runs inside a worker thread: starts a proxy, reports its listening path, and is terminated with
// the proxy still running: the environment's cleanup must stop it and remove its socket file.
import { parentPort, workerData } from 'node:worker_threads';

import { startProxy } from '../../../src/proxy';

const { listen, connect } = workerData as { listen: string; connect: string };
startProxy({ listen, connect });
parentPort!.postMessage({ listening: listen });
