// Each fault of the proxy, on real sockets: what the receiving program sees, and the event that
// names the fault. No timing is asserted: a delay or stall is proven by its event, not a clock.
import { closeSync, fstatSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { ProxyFaultsInput } from '../../src/proxy';
import { UnixSocket } from '../../src/socket';
import type { SocketType } from '../../src/socket';
import { makeDir, watchedProxy } from './harness';
import type { WatchedProxy } from './harness';

const linux = process.platform === 'linux';
// macOS: no AF_UNIX seqpacket; no count of the bytes a peer has not read yet, so `chunk` cannot
// wait for each piece to be read on its own; and a close never gives ECONNRESET (only EOF).
const itLinux = linux ? it : it.skip;
const temp = makeDir();
afterAll(() => temp.remove());

let n = 0;
interface Pair {
  watched: WatchedProxy;
  client: UnixSocket;
  conn: UnixSocket;
  /** closes everything, stops the proxy, checks that no descriptor leaked in it; its final counters */
  close(): Promise<import('../../src/proxy').ProxyStats>;
}

async function through(type: SocketType, faults: { toServer?: ProxyFaultsInput; toClient?: ProxyFaultsInput; seed?: number }): Promise<Pair> {
  n++;
  const listen = path.join(temp.dir, `p${n}`);
  const connect = path.join(temp.dir, `s${n}`);
  const server = UnixSocket.create(type);
  server.bind(connect);
  server.listen();
  const watched = watchedProxy({ listen, connect, type, ...faults });
  const client = UnixSocket.create(type);
  await client.connect(listen);
  const conn = await server.accept();
  return {
    watched,
    client,
    conn,
    close: async () => {
      client.close();
      conn.close();
      server.close();
      const stopped = await watched.proxy.stop();
      expect(stopped.stats.fds.leaked).toBe(0);
      return stopped.stats;
    },
  };
}

async function records(socket: UnixSocket, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await socket.recv()).data.toString());
  return out;
}

itLinux('chunk: 1 hands the reader one byte per read', async () => {
  const pair = await through('stream', { toServer: { chunk: 1 } });
  try {
    await pair.client.send(Buffer.from('PING\n'));
    expect(await records(pair.conn, 5)).toEqual(['P', 'I', 'N', 'G', '\n']);
  } finally {
    await pair.close();
  }
});

itLinux('chunk: 2..3 cuts into pieces of 2 or 3 bytes, and a descriptor goes with the first piece', async () => {
  const pair = await through('stream', { toServer: { chunk: '2..3' } });
  const file = path.join(temp.dir, 'chunked.txt');
  writeFileSync(file, 'x');
  const fd = openSync(file, 'r');
  try {
    await pair.client.sendFds([fd], Buffer.from('abcdefghij'));
    const first = await pair.conn.recvFds();
    expect(first.fds).toHaveLength(1);
    expect(fstatSync(first.fds[0]!).ino).toBe(fstatSync(fd).ino);
    closeSync(first.fds[0]!);
    const pieces = [first.data.toString()];
    while (pieces.join('').length < 10) pieces.push((await pair.conn.recv()).data.toString());
    expect(pieces.join('')).toBe('abcdefghij');
    for (const piece of pieces.slice(0, -1)) expect([2, 3]).toContain(piece.length);
  } finally {
    closeSync(fd);
    await pair.close();
  }
});

itLinux('drop, duplicate and reorder pick seqpacket records by number', async () => {
  const pair = await through('seqpacket', { toServer: { drop: { message: 2 }, duplicate: { message: 3 }, reorder: { message: 4 } } });
  try {
    for (const text of ['1', '2', '3', '4', '5']) await pair.client.send(Buffer.from(text));
    expect(await records(pair.conn, 5)).toEqual(['1', '3', '3', '5', '4']);
    await pair.watched.waitFor('reorder', (e) => e.fault === 'reorder');
    const faults = pair.watched.events.filter((e) => e.ev === 'fault').map((e) => [e.fault, e.message]);
    expect(faults).toEqual([
      ['drop', 2],
      ['duplicate', 3],
      ['reorder', 4],
    ]);
  } finally {
    await pair.close();
  }
});

it('corrupt flips the byte at an offset of the direction', async () => {
  const pair = await through('stream', { toClient: { corrupt: { at: 1 } } });
  try {
    await pair.conn.send(Buffer.from('abc'));
    const got = (await pair.client.recv()).data;
    expect([...got]).toEqual([0x61, 0x62 ^ 0xff, 0x63]);
    expect(await pair.watched.waitFor('corrupt', (e) => e.fault === 'corrupt')).toMatchObject({ from: 'server', to: 'client', offset: 1 });
  } finally {
    await pair.close();
  }
});

itLinux('reset: the sender meets ECONNRESET once it sends past the point, the receiver EOF after the bytes before it', async () => {
  const pair = await through('stream', { toServer: { reset: { afterBytes: 4 } } });
  try {
    await pair.client.send(Buffer.from('ONE\n'));
    expect((await pair.conn.recv()).data.toString()).toBe('ONE\n');
    await pair.client.send(Buffer.from('TWO\n'));
    await expect(pair.client.recv()).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await pair.conn.recv()).eof).toBe(true);
    expect(await pair.watched.waitFor('reset', (e) => e.fault === 'reset')).toMatchObject({ offset: 4, from: 'client' });
  } finally {
    await pair.close();
  }
});

it('stall stops reading for a while, then everything arrives', async () => {
  const pair = await through('stream', { toServer: { stall: { after: 2, for: '50ms' } } });
  try {
    await pair.client.send(Buffer.from('abcdef'));
    let got = '';
    while (got.length < 6) got += (await pair.conn.recv()).data.toString();
    expect(got).toBe('abcdef');
    expect(await pair.watched.waitFor('stall', (e) => e.fault === 'stall')).toMatchObject({ offset: 2 });
  } finally {
    await pair.close();
  }
});

it('delay with jitter forwards everything in order, and names the seed', async () => {
  const pair = await through('stream', { toServer: { delay: { time: '1ms', jitter: '3ms' } }, seed: 7 });
  try {
    for (const text of ['a', 'b', 'c']) await pair.client.send(Buffer.from(text));
    let got = '';
    while (got.length < 3) got += (await pair.conn.recv()).data.toString();
    expect(got).toBe('abc');
    expect(pair.watched.proxy.seed).toBe(7);
    expect(pair.watched.proxy.seeded).toBe(true);
  } finally {
    await pair.close();
  }
});

it('dropFds forwards the bytes without the descriptors; truncateFds keeps the first ones', async () => {
  const file = path.join(temp.dir, 'fds.txt');
  writeFileSync(file, 'x');
  const fds = [openSync(file, 'r'), openSync(file, 'r')];
  const pair = await through('stream', { toServer: { dropFds: { message: 1 }, truncateFds: { keep: 1, message: 2 } } });
  try {
    await pair.client.sendFds(fds, Buffer.from('A'));
    const first = await pair.conn.recvFds();
    expect([first.data.toString(), first.fds]).toEqual(['A', []]);
    await pair.client.sendFds(fds, Buffer.from('B'));
    const second = await pair.conn.recvFds();
    expect(second.data.toString()).toBe('B');
    expect(second.fds).toHaveLength(1);
    second.fds.forEach((fd) => closeSync(fd));
    await pair.watched.waitFor('truncateFds', (e) => e.fault === 'truncateFds');
    expect(pair.watched.events.filter((e) => e.ev === 'fault').map((e) => e.fault)).toEqual(['dropFds', 'truncateFds']);
  } finally {
    fds.forEach((fd) => closeSync(fd));
  }
  expect((await pair.close()).fds).toEqual({ received: 4, forwarded: 1, closed: 4, leaked: 0, toServer: 1, toClient: 0 });
});

itLinux('the same seed drops the same records; another seed other ones', async () => {
  const dropped = async (seed: number) => {
    const pair = await through('seqpacket', { toServer: { drop: { rate: 0.5 } }, seed });
    try {
      for (let i = 1; i <= 40; i++) await pair.client.send(Buffer.from(String(i)));
      await pair.client.send(Buffer.from('end'));
      await pair.watched.waitFor('the last record', (e) => e.ev === 'data' && e.preview === 'end');
      return pair.watched.events.filter((e) => e.fault === 'drop').map((e) => e.message);
    } finally {
      await pair.close();
    }
  };
  const first = await dropped(1234);
  expect(first.length).toBeGreaterThan(0);
  expect(await dropped(1234)).toEqual(first);
  expect(await dropped(99)).not.toEqual(first);
});

it('stall on datagrams from a client: the proxy stops reading, then every datagram arrives', async () => {
  n++;
  const listen = path.join(temp.dir, `p${n}`);
  const connect = path.join(temp.dir, `s${n}`);
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  const watched = watchedProxy({ listen, connect, type: 'dgram', toServer: { stall: { after: 1, for: '30ms' } } });
  const client = UnixSocket.create('dgram');
  client.bind(path.join(temp.dir, `dc${n}`));
  try {
    for (const text of ['a', 'b', 'c']) await client.send(Buffer.from(text), { to: listen });
    expect(await records(server, 3)).toEqual(['a', 'b', 'c']);
    expect(await watched.waitFor('stall', (e) => e.fault === 'stall')).toMatchObject({ offset: 1, message: 2 });
  } finally {
    client.close();
    server.close();
    await watched.proxy.stop();
  }
});
