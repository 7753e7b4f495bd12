// Runs as a child process: a proxy whose onEvent throws on the first event, with the events of a
// whole connection delivered in one batch (the JavaScript thread is held in spawnSync while a
// python3 server and client talk through the proxy). Prints what it saw as one JSON line: whether
// stop() resolved, the events the callback got, the counters, and the uncaught exceptions.
import { spawnSync } from 'node:child_process';

import { startProxy } from '../../../src/proxy';

const [listen, connect] = process.argv.slice(2) as [string, string];
const uncaught: string[] = [];
const seen: string[] = [];
const proxy = startProxy({
  listen,
  connect,
  toServer: { delay: '1ms' },
  onEvent: (event) => {
    seen.push(event.ev);
    if (event.ev === 'open') throw new Error('a bug in the callback');
  },
});
// After the start: a proxy that cannot start fails this child as it would any program.
process.on('uncaughtException', (err) => uncaught.push(err.message));
const talk = [
  'import socket, sys',
  's = socket.socket(socket.AF_UNIX); s.bind(sys.argv[2]); s.listen()',
  'c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); c.sendall(b"x")',
  'conn, _ = s.accept(); assert conn.recv(10) == b"x"',
  'c.close(); assert conn.recv(10) == b""',
].join('\n');
const python = spawnSync('python3', ['-c', talk, listen, connect], { encoding: 'utf8' });
if (python.status !== 0) throw new Error(`python3: ${python.stderr}`);
void proxy.stop().then((stopped) => {
  process.stdout.write(JSON.stringify({ stopped: true, seen, faults: stopped.stats.faults, faultsByName: stopped.stats.faultsByName, uncaught }) + '\n');
});
