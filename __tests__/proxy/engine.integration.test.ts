// The forwarding engine with real sockets: both directions of stream, seqpacket and datagram,
// descriptors forwarded as the same open file and closed in the proxy, and nothing left behind.
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { startProxy } from '../../src/proxy';
import { SUN_PATH_MAX, UnixSocket, openDescriptorCount } from '../../src/socket';
import { makeDir, watchedProxy } from './harness';

const itSeqpacket = process.platform === 'linux' ? it : it.skip; // macOS has no AF_UNIX SOCK_SEQPACKET
const itLinux = process.platform === 'linux' ? it : it.skip;
const temp = makeDir();
afterAll(() => temp.remove());
// The first use loads the addon and starts Node's helper threads (descriptors of their own):
// counts are taken after that.
beforeAll(async () => {
  await startProxy({ listen: path.join(temp.dir, 'warm'), connect: path.join(temp.dir, 'none') }).stop();
  UnixSocket.create('stream').close();
});

let n = 0;
function paths(): { listen: string; connect: string } {
  n++;
  return { listen: path.join(temp.dir, `p${n}`), connect: path.join(temp.dir, `s${n}`) };
}

it('forwards a stream both ways, with a descriptor that is the same file at the far end, and leaves nothing', async () => {
  const before = openDescriptorCount();
  const { listen, connect } = paths();
  const file = path.join(temp.dir, 'passed.txt');
  writeFileSync(file, 'the file');
  const server = UnixSocket.create('stream');
  server.bind(connect);
  server.listen();
  const { proxy, events, waitFor } = watchedProxy({ listen, connect });
  const client = UnixSocket.create('stream');
  await client.connect(listen);
  const conn = await server.accept();
  const fd = openSync(file, 'r');
  await client.sendFds([fd], Buffer.from('F'));
  const got = await conn.recvFds();
  expect(got.data.toString()).toBe('F');
  expect(got.fds).toHaveLength(1);
  const sent = fstatSync(fd);
  const arrived = fstatSync(got.fds[0]!);
  expect([arrived.dev, arrived.ino]).toEqual([sent.dev, sent.ino]);
  closeSync(fd);
  closeSync(got.fds[0]!);
  await conn.send(Buffer.from('reply'));
  expect((await client.recv()).data.toString()).toBe('reply');
  client.close();
  expect((await conn.recv()).eof).toBe(true);
  conn.close();
  await waitFor('close', (e) => e.ev === 'close');
  const stopped = await proxy.stop();
  server.close();
  expect(stopped.removedListenPath).toBe(true);
  expect(stopped.stats.fds).toEqual({ received: 1, forwarded: 1, closed: 1, leaked: 0, toServer: 1, toClient: 0 });
  const data = events.filter((e) => e.ev === 'data');
  expect(data[0]).toMatchObject({ from: 'client', to: 'server', bytes: 1, preview: 'F', fds: [{ type: 'file', dev: sent.dev, ino: sent.ino }] });
  expect(data[1]).toMatchObject({ from: 'server', to: 'client', preview: 'reply' });
  expect(events.find((e) => e.ev === 'open')).toMatchObject({ pid: process.pid });
  expect(temp.entries()).not.toContain(path.basename(listen));
  expect(openDescriptorCount()).toBe(before);
});

// Both ways a stream read goes on: copied (capture on), and without a copy on Linux (capture off:
// a splice into a socket whose reader is gone, SIGPIPE blocked on that thread).
(process.platform === 'linux' ? it.each([true, false]) : it.skip.each([true, false]))('a receiver that reads no more (EPIPE) ends only that direction: the sender\'s next send fails with EPIPE, and what the receiver sends back still arrives (capture %s)', async (capture) => {
  const before = openDescriptorCount();
  const { listen, connect } = paths();
  const server = UnixSocket.create('stream');
  server.bind(connect);
  server.listen();
  const { proxy, waitFor } = watchedProxy({ listen, connect, capture });
  const client = UnixSocket.create('stream');
  try {
    await client.connect(listen);
    const conn = await server.accept();
    conn.shutdown('read'); // the server takes nothing more: the proxy's send to it fails with EPIPE
    await client.send(Buffer.from('hello'));
    const failed = await waitFor('the EPIPE of the send to the server', (e) => e.ev === 'error' && e.code === 'EPIPE');
    expect(failed).toMatchObject({ from: 'client', to: 'server', message: 1, bytes: 5, delivered: 0, detail: 'sendmsg' });
    // and the client's next send fails with EPIPE, as it would without the proxy (it was taken
    // into a socket no one read any more, until the client's buffer was full and it blocked)
    await expect(client.send(Buffer.from('more'))).rejects.toMatchObject({ code: 'EPIPE' });
    // the server's answer, written after that, still reaches the client; then its EOF
    await conn.send(Buffer.from('ERR'));
    expect((await client.recv()).data.toString()).toBe('ERR');
    conn.close();
    expect((await client.recv()).eof).toBe(true);
    await waitFor('close', (e) => e.ev === 'close');
  } finally {
    client.close();
    await proxy.stop();
    server.close();
  }
  expect(openDescriptorCount()).toBeLessThanOrEqual(before);
});

itSeqpacket('keeps seqpacket record boundaries', async () => {
  const { listen, connect } = paths();
  const server = UnixSocket.create('seqpacket');
  server.bind(connect);
  server.listen();
  const { proxy } = watchedProxy({ listen, connect, type: 'seqpacket' });
  try {
    const client = UnixSocket.create('seqpacket');
    await client.connect(listen);
    const conn = await server.accept();
    for (const text of ['one', 'two', 'three']) await client.send(Buffer.from(text));
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await conn.recv()).data.toString());
    expect(got).toEqual(['one', 'two', 'three']);
    client.close();
    conn.close();
  } finally {
    server.close();
    await proxy.stop();
  }
});

it('maps each datagram client to its own path both ways, and removes those paths', async () => {
  const { listen, connect } = paths();
  const before = temp.entries();
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  const { proxy, waitFor } = watchedProxy({ listen, connect, type: 'dgram' });
  const clients = [0, 1].map((i) => {
    const client = UnixSocket.create('dgram');
    client.bind(path.join(temp.dir, `dc${n}-${i}`));
    return client;
  });
  try {
    await clients[0]!.send(Buffer.from('from 0'), { to: listen });
    await clients[1]!.send(Buffer.from('from 1'), { to: listen });
    const first = await server.recv();
    const second = await server.recv();
    expect([first.data.toString(), second.data.toString()]).toEqual(['from 0', 'from 1']);
    expect(first.from).not.toEqual(second.from);
    expect(first.from).not.toEqual(clients[0]!.localAddress());
    await server.send(Buffer.from('to 1'), { to: second.from! });
    await server.send(Buffer.from('to 0'), { to: first.from! });
    const reply1 = await clients[1]!.recv();
    const reply0 = await clients[0]!.recv();
    expect([reply0.data.toString(), reply1.data.toString()]).toEqual(['to 0', 'to 1']);
    expect(reply0.from).toBe(listen);
    await waitFor('open of client 2', (e) => e.ev === 'open' && e.conn === 2);
  } finally {
    for (const client of clients) client.close();
    server.close();
    await proxy.stop();
  }
  // the clients' own paths are the test's; the proxy's (listen path, per-client directory) are gone
  expect(temp.entries().filter((e) => !before.includes(e) && !e.startsWith(`dc${n}-`) && e !== path.basename(connect))).toEqual([]);
});

// The proxy's socket for a datagram client stays connected to the server it first found. When
// that server goes and another binds the path, the next datagram must reach the new one (the
// first send to the gone one fails and leaves the socket unconnected: every datagram after it was
// lost, ECONNREFUSED then ENOTCONN, before the socket was connected again).
itLinux('a datagram server that goes away and comes back at its path gets the next datagrams, and its replies reach the client', async () => {
  const before = openDescriptorCount();
  const { listen, connect } = paths();
  const first = UnixSocket.create('dgram');
  first.bind(connect);
  const { proxy, events, waitFor } = watchedProxy({ listen, connect, type: 'dgram' });
  const client = UnixSocket.create('dgram');
  client.bind(path.join(temp.dir, `back${n}`));
  const second = UnixSocket.create('dgram');
  try {
    await client.send(Buffer.from('one'), { to: listen });
    expect((await first.recv()).data.toString()).toBe('one');
    first.close();
    unlinkSync(connect);
    second.bind(connect);
    for (const text of ['two', 'three']) {
      await client.send(Buffer.from(text), { to: listen });
      // Either the datagram arrives, or the proxy reports that it could not send it.
      const got = await Promise.race([second.recv(), waitFor('error', (e) => e.ev === 'error')]);
      expect('data' in got ? got.data.toString() : got).toBe(text);
    }
    await client.send(Buffer.from('four'), { to: listen });
    const four = await second.recv();
    await second.send(Buffer.from('back'), { to: four.from! });
    expect((await client.recv()).data.toString()).toBe('back');
  } finally {
    client.close();
    first.close();
    second.close();
    await proxy.stop();
  }
  const stopped = await proxy.stopped;
  expect(events.filter((e) => e.ev === 'error')).toEqual([]);
  expect(stopped.stats.messages).toEqual({ toServer: 4, toClient: 1 });
  expect(openDescriptorCount()).toBe(before);
});

// Each datagram client with a path gets one at the proxy, in a directory beside the listening
// path: a listening path that fits sun_path but leaves no room for those was taken, and then every
// such client's datagram was refused (ENAMETOOLONG) and lost.
it('refuses a datagram listening path that leaves no room for the clients\' paths beside it; a stream proxy there starts', async () => {
  const { connect } = paths();
  const room = SUN_PATH_MAX - temp.dir.length - '/p'.length; // what a directory name may take for `<dir>/p` to fit
  const long = path.join(temp.dir, 'd'.repeat(room - 8)); // `<long>/p` fits, with 7 bytes to spare
  mkdirSync(long);
  const listen = path.join(long, 'p');
  expect(() => startProxy({ listen, connect, type: 'dgram' })).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG', syscall: 'bind' }));
  expect(readdirSync(long)).toEqual([]);
  await startProxy({ listen, connect, type: 'stream' }).stop();
  expect(readdirSync(long)).toEqual([]);
  rmSync(long, { recursive: true });
});

// A seed the engine cannot hold exactly, or of the wrong type, aborted the whole process in the
// native call (FATAL ERROR, exit 134); a proxy connecting to its own path forwarded to itself.
it('refuses a seed that is not a whole number from 0 to 2^53-1, and a proxy connecting to itself, before binding anything', () => {
  const { listen, connect } = paths();
  for (const seed of [1.5, -5, Number.NaN, 2 ** 60, '42' as unknown as number]) {
    expect(() => startProxy({ listen, connect, seed })).toThrow(expect.objectContaining({ name: 'ProxyOptionsError', message: expect.stringMatching(/^seed: must be a whole number from 0 to 9007199254740991, got `/) }));
  }
  expect(() => startProxy({ listen, connect: listen })).toThrow(expect.objectContaining({ name: 'ProxyOptionsError', message: expect.stringMatching(/^connect: is the listening path .* itself/) }));
  expect(existsSync(listen)).toBe(false);
});

// A datagram client whose datagrams find no server yet is no connection: each attempt used to be
// counted and to take a number, so the client that then got through was `open` as #4 of
// `connections: 4`.
it('datagrams sent before the server is there: each is an error event, and the client counts as one connection once it gets through', async () => {
  const { listen, connect } = paths();
  const { proxy, events, waitFor } = watchedProxy({ listen, connect, type: 'dgram' });
  const client = UnixSocket.create('dgram');
  client.bind(path.join(temp.dir, `early${n}`));
  const server = UnixSocket.create('dgram');
  try {
    for (let i = 1; i <= 3; i++) {
      await client.send(Buffer.from(`early ${i}`), { to: listen });
      await waitFor(`error ${i}`, () => events.filter((e) => e.ev === 'error').length === i);
    }
    server.bind(connect);
    await client.send(Buffer.from('on time'), { to: listen });
    expect((await server.recv()).data.toString()).toBe('on time');
  } finally {
    client.close();
    server.close();
    await proxy.stop();
  }
  const stopped = await proxy.stopped;
  expect(events.filter((e) => e.ev === 'error').map((e) => e.code)).toEqual(['ENOENT', 'ENOENT', 'ENOENT']);
  expect(events.filter((e) => e.ev === 'open').map((e) => e.conn)).toEqual([1]);
  expect(stopped.stats.connections).toBe(1);
});

// A client that sends without binding a path has no reply thread at the proxy (nothing can be
// sent back to it), and so its connection had an `open` and never a `close`.
it('a datagram client with no path of its own: forwarded, and its connection closes as the proxy stops', async () => {
  const { listen, connect } = paths();
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  const { proxy, events } = watchedProxy({ listen, connect, type: 'dgram' });
  const client = UnixSocket.create('dgram');
  try {
    await client.send(Buffer.from('unnamed'), { to: listen });
    const got = await server.recv();
    expect([got.data.toString(), got.from]).toEqual(['unnamed', undefined]);
  } finally {
    client.close();
    server.close();
    await proxy.stop();
  }
  expect(events.filter((e) => e.ev !== 'data').map((e) => [e.ev, e.conn])).toEqual([
    ['open', 1],
    ['close', 1],
    ['stopped', undefined],
  ]);
});

// A callback that throws ran inside the engine's native callback: the rest of that batch of events
// was lost, and the ones after it never came (Node keeps the exception pending there), so stop()
// never resolved and the process ended quietly with exit 0 and nothing after the await run. The
// callback's exception is thrown on a turn of its own, and the proxy's own bookkeeping goes on.
it('an onEvent that throws: the proxy goes on delivering and stop() resolves; the exception is uncaught on its own turn', () => {
  const { listen, connect } = paths();
  // Bundled inside this worktree, so the child loads this build of the addon (as the worker test's).
  const outDir = path.join(__dirname, '..', '..', 'build', 'test-cache');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `throwing-callback.${process.pid}.cjs`);
  buildSync({ entryPoints: [path.join(__dirname, 'children', 'throwing-callback.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  const child = spawnSync(process.execPath, [outfile, listen, connect], { encoding: 'utf8', timeout: 20_000 });
  rmSync(outfile, { force: true });
  expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
  expect(JSON.parse(child.stdout || '{}')).toEqual({
    stopped: true,
    seen: ['open', 'fault', 'eof', 'eof', 'close', 'stopped'],
    faults: 1,
    faultsByName: { delay: 1 },
    uncaught: ['a bug in the callback'],
  });
  expect(temp.entries()).not.toContain(path.basename(listen));
});

it('forwards a burst of datagrams in order without capture (the batched path), each one whole', async () => {
  const { listen, connect } = paths();
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  const proxy = startProxy({ listen, connect, type: 'dgram' });
  const client = UnixSocket.create('dgram');
  client.bind(path.join(temp.dir, `burst${n}`));
  try {
    await client.connect(listen);
    const sizes = [1, 70_000, 5, 3000];
    const sent = Array.from({ length: 200 }, (_, i) => Buffer.alloc(sizes[i % sizes.length]!, i % 251));
    const sending = (async () => {
      for (const message of sent) await client.send(message);
    })();
    const got: Buffer[] = [];
    while (got.length < sent.length) got.push((await server.recv({ maxBytes: 100_000 })).data);
    await sending;
    expect(got.map((b) => [b.length, b[0]])).toEqual(sent.map((b) => [b.length, b[0]]));
  } finally {
    client.close();
    server.close();
    const stopped = await proxy.stop();
    expect(stopped.stats.messages.toServer).toBe(200);
  }
});

// Linux: the proxy reads on while the server's queue is full, and keeps what the server has no
// room for (native/proxy.cc, Outbox::Push), so the client's sends all complete before the server
// reads anything. macOS flushes every datagram before reading the next (a client blocks there).
itLinux('keeps the datagrams a full server cannot take yet and reads on: all sent before the server reads, then in order, whole, each descriptor forwarded once and closed', async () => {
  const before = openDescriptorCount();
  const { listen, connect } = paths();
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  const proxy = startProxy({ listen, connect, type: 'dgram' });
  const client = UnixSocket.create('dgram');
  client.bind(path.join(temp.dir, `queued${n}`));
  const file = path.join(temp.dir, 'queued.txt');
  writeFileSync(file, 'queued');
  const fd = openSync(file, 'r');
  const count = 100; // far more than a server's queue (net.unix.max_dgram_qlen, 10 by default) and the proxy's own
  try {
    await client.connect(listen);
    const sent = Array.from({ length: count }, (_, i) => Buffer.alloc(1 + (i % 7) * 100, i));
    for (const message of sent) await client.send(message, { fds: [fd] });
    const got: Buffer[] = [];
    while (got.length < count) {
      const r = await server.recvFds({ maxBytes: 1000 });
      expect(r.fds).toHaveLength(1);
      expect([fstatSync(r.fds![0]!).ino]).toEqual([fstatSync(fd).ino]);
      closeSync(r.fds![0]!);
      got.push(r.data);
    }
    expect(got.map((b) => [b.length, b[0]])).toEqual(sent.map((b) => [b.length, b[0]]));
  } finally {
    closeSync(fd);
    client.close();
    server.close();
  }
  const stopped = await proxy.stop();
  expect(stopped.stats.messages.toServer).toBe(count);
  expect(stopped.stats.fds).toMatchObject({ received: count, forwarded: count, closed: count, leaked: 0 });
  expect(openDescriptorCount()).toBe(before);
});

it('refuses a listening path that exists, and leaves that file alone', () => {
  const { listen, connect } = paths();
  writeFileSync(listen, 'not mine');
  expect(() => startProxy({ listen, connect })).toThrow(expect.objectContaining({ code: 'EADDRINUSE', path: listen }));
  expect(temp.entries()).toContain(path.basename(listen));
});

it('stopping with a connection open ends it for both sides and removes the listening path', async () => {
  const before = openDescriptorCount();
  const { listen, connect } = paths();
  const server = UnixSocket.create('stream');
  server.bind(connect);
  server.listen();
  const { proxy, waitFor } = watchedProxy({ listen, connect });
  const client = UnixSocket.create('stream');
  await client.connect(listen);
  const conn = await server.accept();
  await waitFor('open', (e) => e.ev === 'open');
  const stopped = await proxy.stop();
  expect(stopped.removedListenPath).toBe(true);
  expect((await client.recv()).eof).toBe(true);
  expect((await conn.recv()).eof).toBe(true);
  client.close();
  conn.close();
  server.close();
  expect(temp.entries()).not.toContain(path.basename(listen));
  expect(openDescriptorCount()).toBe(before);
});

it('an upstream that refuses is an error event, and the client sees the connection end', async () => {
  const { listen, connect } = paths();
  const { proxy, waitFor } = watchedProxy({ listen, connect });
  try {
    const client = UnixSocket.create('stream');
    await client.connect(listen);
    expect(await waitFor('error', (e) => e.ev === 'error')).toMatchObject({ code: 'ENOENT', detail: `connect ${connect}` });
    expect((await client.recv()).eof).toBe(true);
    client.close();
  } finally {
    await proxy.stop();
  }
});

it('stop removes only the socket file it bound: a file put at its path meanwhile stays', async () => {
  const { listen, connect } = paths();
  const proxy = startProxy({ listen, connect });
  unlinkSync(listen);
  writeFileSync(listen, 'someone else');
  const stopped = await proxy.stop();
  expect(stopped.removedListenPath).toBe(false);
  expect(temp.entries()).toContain(path.basename(listen));
});

it('many connections one after the other: none leaves a descriptor or path behind', async () => {
  const before = openDescriptorCount();
  const { listen, connect } = paths();
  const server = UnixSocket.create('stream');
  server.bind(connect);
  server.listen();
  const { proxy, waitFor } = watchedProxy({ listen, connect, capture: false });
  for (let i = 1; i <= 30; i++) {
    const client = UnixSocket.create('stream');
    await client.connect(listen);
    const conn = await server.accept();
    await client.send(Buffer.from('x'));
    expect((await conn.recv()).data.toString()).toBe('x');
    client.close();
    expect((await conn.recv()).eof).toBe(true);
    conn.close();
    await waitFor(`close of connection ${i}`, (e) => e.ev === 'close' && e.conn === i);
  }
  const stopped = await proxy.stop();
  server.close();
  expect(stopped.stats.connections).toBe(30);
  expect(openDescriptorCount()).toBe(before);
});

it('a worker thread ending with its proxy still running: the environment cleanup stops it and removes its path', async () => {
  const { listen, connect } = paths();
  // Bundled inside this worktree (not node_modules/.cache, which may be a link elsewhere), so the
  // worker walks up to this package and loads this build of the addon.
  const outDir = path.join(__dirname, '..', '..', 'build', 'test-cache');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `proxy-worker.${process.pid}.cjs`);
  buildSync({ entryPoints: [path.join(__dirname, 'children', 'proxy-worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  try {
    const worker = new Worker(outfile, { workerData: { listen, connect } });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(existsSync(listen)).toBe(true);
    await worker.terminate();
    await exited;
    expect(existsSync(listen)).toBe(false);
  } finally {
    rmSync(outfile, { force: true });
  }
});
