// The uds-fixture side of `npm run bench` (bundled and run by scripts/bench.mjs, one case per
// process). Prints one JSON object: {"ns": elapsed nanoseconds, ...}.
//
//   cases dgram|seqpacket COUNT SIZE   engine sender and receiver over a socketpair (two engine threads)
//   cases stream BYTES FRAME           the same on a stream
//   cases fds COUNT                    SCM_RIGHTS: the native descriptor engine, sender and receiver (two engine threads)
//   cases pingpong COUNT [BUDGET]      64-byte round trips against an echo child process; BUDGET:
//                                      both ends' UnixSocket.waitBudget in µs (default 0, off)
//   cases echo PATH BUDGET             (the echo child)
//   cases memory COUNT                 peak RSS of a process receiving COUNT 64-byte datagrams
//   cases proxy-stream BYTES FRAME     the stream case, sender → forwarding proxy → receiver
//   cases proxy-dgram COUNT SIZE       the datagram case through the proxy (each datagram forwarded on its own)
//   cases proxy-c REFERENCE MODE N SIZE [capture]  the C reference's MODE (plain-stream, plain-dgram)
//                                      with its two processes connected through the proxy running
//                                      here (with `capture`: an event per message); prints its ns
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { startProxy } from '../src/proxy';
import { spawn } from 'node:child_process';
import { UnixSocket } from '../src/socket';
import { receiveDescriptors, receiveTraffic, sendDescriptors, sendTraffic } from '../src/traffic';

const now = (): bigint => process.hrtime.bigint();

async function sequence(type: 'dgram' | 'seqpacket' | 'stream', count: number, size: number): Promise<object> {
  const [a, b] = UnixSocket.pair(type);
  try {
    const sizes = { min: size, max: size };
    const start = now();
    const [summary] = await Promise.all([receiveTraffic(b, { count, size: sizes }).result, sendTraffic(a, { senderId: 'client', count, size: sizes }).result]);
    const ns = Number(now() - start);
    if (summary.unique !== count || summary.corrupt !== 0) throw new Error(`bench traffic was not clean: ${JSON.stringify(summary)}`);
    return { ns, unique: summary.unique, p99Ns: summary.latency?.p99Ns };
  } finally {
    a.close();
    b.close();
  }
}

// The same work as the C reference: 1 byte + 1 descriptor per message, and per descriptor fstat,
// device + inode compared with the file sent, close; through the engine the scripted peer uses.
async function fds(count: number): Promise<object> {
  const [a, b] = UnixSocket.pair('stream');
  const fd = openSync('/dev/null', 'r');
  try {
    const { dev, ino } = fstatSync(fd, { bigint: true });
    const start = now();
    const [received] = await Promise.all([
      receiveDescriptors(b, { count: 1, repeat: count, expect: [{ sameFile: { name: '/dev/null', dev: dev.toString(), ino: ino.toString() } }] }).result,
      sendDescriptors(a, { fds: [fd], data: Buffer.from('F'), repeat: count }).result,
    ]);
    const ns = Number(now() - start);
    if (received.received !== count || received.mismatched !== 0) throw new Error(`bench descriptor transfer was not clean: ${JSON.stringify(received)}`);
    return { ns, received: received.received, mismatched: received.mismatched };
  } finally {
    closeSync(fd);
    a.close();
    b.close();
  }
}

// budgetUs: both ends' UnixSocket.waitBudget (0: off, the default).
async function pingpong(count: number, budgetUs: number): Promise<object> {
  const path = `/tmp/uds-bench-${process.pid}.sock`;
  const server = UnixSocket.create('stream');
  server.bind(path);
  server.listen(1);
  const child = spawn(process.execPath, [__filename, 'echo', path, String(budgetUs)], { stdio: 'inherit' });
  try {
    const conn = (await server.accept()).waitBudget(budgetUs);
    const message = Buffer.alloc(64, 'p');
    const start = now();
    for (let i = 0; i < count; i++) {
      await conn.send(message);
      let have = 0;
      while (have < 64) have += (await conn.recv({ maxBytes: 64 - have })).data.length;
    }
    const ns = Number(now() - start);
    conn.close();
    return { ns };
  } finally {
    server.close();
    child.kill();
    rmSync(path, { force: true });
  }
}

async function echo(path: string, budgetUs: number): Promise<void> {
  const sock = UnixSocket.create('stream').waitBudget(budgetUs);
  await sock.connect(path);
  for (;;) {
    const r = await sock.recv({ maxBytes: 65536 });
    if (r.eof) break;
    await sock.send(r.data);
  }
  sock.close();
}

async function memory(count: number): Promise<object> {
  const result = await sequence('dgram', count, 64);
  return { ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

// The same engine ends as the direct cases, with the proxy (native/proxy.cc, capture off: no event
// per message, as in a scenario with `capture: false`) between them.
async function throughProxy(type: 'stream' | 'dgram', count: number, size: number): Promise<object> {
  const dir = mkdtempSync(nodePath.join(os.tmpdir(), 'udsb-'));
  const listen = nodePath.join(dir, 'p');
  const upstream = nodePath.join(dir, 's');
  const server = UnixSocket.create(type);
  server.bind(upstream);
  if (type === 'stream') server.listen(1);
  const proxy = startProxy({ listen, connect: upstream, type });
  const client = UnixSocket.create(type);
  if (type === 'dgram') client.bind(nodePath.join(dir, 'c'));
  try {
    await client.connect(listen);
    const receiver = type === 'stream' ? await server.accept() : server;
    const sizes = { min: size, max: size };
    const start = now();
    const [summary] = await Promise.all([receiveTraffic(receiver, { count, size: sizes }).result, sendTraffic(client, { senderId: 'client', count, size: sizes }).result]);
    const ns = Number(now() - start);
    if (summary.unique !== count || summary.corrupt !== 0) throw new Error(`bench traffic through the proxy was not clean: ${JSON.stringify(summary)}`);
    if (receiver !== server) receiver.close();
    return { ns, unique: summary.unique };
  } finally {
    client.close();
    server.close();
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// The proxy's own cost against physics: the C reference's plain ends (no framing, no checks)
// connected through the proxy (in this process, on its own threads), timed by the C program.
// Without the capture a stream may go on without a copy (native/splice_path.h): the bytes that did
// are in the output, with the number of events the proxy reported.
async function cThroughProxy(reference: string, mode: string, n: string, size: string, capture: boolean): Promise<object> {
  const dir = mkdtempSync(nodePath.join(os.tmpdir(), 'udsb-'));
  const listen = nodePath.join(dir, 'p');
  const upstream = nodePath.join(dir, 's');
  let events = 0;
  const proxy = startProxy({ listen, connect: upstream, type: mode.endsWith('dgram') ? 'dgram' : 'stream', capture, onEvent: () => events++ });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(reference, [mode, n, size], { env: { ...process.env, UDS_BENCH_SERVER: upstream, UDS_BENCH_CLIENT: listen }, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${reference} ${mode} through the proxy exited ${code}`))));
    });
    const stopped = await proxy.stop();
    return { ...(JSON.parse(out.trim().split('\n').pop()!) as object), zeroCopyBytes: stopped.stats.zeroCopyBytes.toServer, events };
  } finally {
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [mode, a, b] = process.argv.slice(2);
  const n = Number(a);
  let out: object | undefined;
  if (mode === 'dgram' || mode === 'seqpacket') out = await sequence(mode, n, Number(b));
  else if (mode === 'stream') out = await sequence('stream', Math.floor(n / Number(b)), Number(b));
  else if (mode === 'fds') out = await fds(n);
  else if (mode === 'pingpong') out = await pingpong(n, Number(b ?? 0));
  else if (mode === 'memory') out = await memory(n);
  else if (mode === 'echo') await echo(a!, Number(b ?? 0));
  else if (mode === 'proxy-stream') out = await throughProxy('stream', Math.floor(n / Number(b)), Number(b));
  else if (mode === 'proxy-dgram') out = await throughProxy('dgram', n, Number(b));
  else if (mode === 'proxy-c') out = await cThroughProxy(a!, b!, process.argv[5]!, process.argv[6]!, process.argv[7] === 'capture');
  if (out) process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
