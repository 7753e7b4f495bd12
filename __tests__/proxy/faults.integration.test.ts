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

// The message types are read in batches (up to 16 records per recvmmsg on Linux): a delay on the
// first record keeps the proxy away while the client queues the rest, so they are read together.
// Each fault must still fall on its own record, and each descriptor go with its own record.
itLinux('records read in one batch: each fault falls on its own record, each descriptor goes with its own', async () => {
  const file = path.join(temp.dir, 'batched.txt');
  writeFileSync(file, 'x');
  const fd = openSync(file, 'r');
  const pair = await through('seqpacket', {
    toServer: {
      delay: { time: '300ms', when: { message: 1 } },
      drop: { message: [3, 17] },
      duplicate: { message: [5, 20] },
      reorder: { message: 8 },
      dropFds: { message: 12 },
      corrupt: { at: 3 * 13 }, // the first byte of record 14 (records are 3 bytes)
    },
  });
  const record = (k: number) => `r${String(k).padStart(2, '0')}`;
  try {
    for (let k = 1; k <= 30; k++) {
      if (k === 12 || k === 25) await pair.client.sendFds([fd], Buffer.from(record(k)));
      else await pair.client.send(Buffer.from(record(k)));
    }
    const got: { text: string; fds: number[] }[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await pair.conn.recvFds();
      got.push({ text: r.data[0] === ('r'.charCodeAt(0) ^ 0xff) ? `~${r.data.subarray(1).toString()}` : r.data.toString(), fds: r.fds });
    }
    const expected = [1, 2, 4, 5, 5, 6, 7, 9, 8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 20, ...Array.from({ length: 10 }, (_, i) => 21 + i)].map((k) => (k === 14 ? '~14' : record(k)));
    expect(got.map((g) => g.text)).toEqual(expected);
    expect(got.map((g, i) => [i, g.fds.length]).filter(([, count]) => count! > 0)).toEqual([[expected.indexOf('r25'), 1]]);
    const passed = got.find((g) => g.fds.length > 0)!.fds[0]!;
    expect(fstatSync(passed).ino).toBe(fstatSync(fd).ino);
    closeSync(passed);
    const faults = pair.watched.events.filter((e) => e.ev === 'fault').map((e) => [e.fault, e.message]);
    expect(faults).toEqual([
      ['delay', 1],
      ['drop', 3],
      ['duplicate', 5],
      ['reorder', 8],
      ['dropFds', 12],
      ['corrupt', 14],
      ['drop', 17],
      ['duplicate', 20],
    ]);
  } finally {
    closeSync(fd);
  }
  const stats = await pair.close();
  expect(stats.fds).toMatchObject({ received: 2, forwarded: 1, closed: 2, leaked: 0 });
  expect(stats.faults).toBe(8);
});

itLinux('datagrams read in one batch: faults by each client’s message number, replies back to each client', async () => {
  n++;
  const listen = path.join(temp.dir, `p${n}`);
  const connect = path.join(temp.dir, `s${n}`);
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  const watched = watchedProxy({ listen, connect, type: 'dgram', toServer: { delay: { time: '300ms', when: { message: 1 } }, drop: { message: 4 }, duplicate: { message: 6 }, reorder: { message: 9 } } });
  const clients = ['a', 'b'].map((name) => {
    const client = UnixSocket.create('dgram');
    client.bind(path.join(temp.dir, `dc${n}${name}`));
    return client;
  });
  try {
    // a's first datagram is delayed: b's datagrams and the rest of a's queue up behind it
    const sending = Promise.all(
      clients.map(async (client, c) => {
        for (let k = 1; k <= 12; k++) await client.send(Buffer.from(`${'ab'[c]}${String(k).padStart(2, '0')}`), { to: listen });
      }),
    );
    const got: { text: string; from: string }[] = [];
    for (let i = 0; i < 24; i++) {
      const r = await server.recv();
      got.push({ text: r.data.toString(), from: String(r.from) });
    }
    await sending;
    const order = (c: string) => got.filter((g) => g.text[0] === c).map((g) => Number(g.text.slice(1)));
    expect(order('a')).toEqual([1, 2, 3, 5, 6, 6, 7, 8, 10, 9, 11, 12]);
    expect(order('b')).toEqual([1, 2, 3, 5, 6, 6, 7, 8, 10, 9, 11, 12]);
    // each client is one address at the server, and a reply to it reaches that client
    const seenAs = ['a', 'b'].map((c) => [...new Set(got.filter((g) => g.text[0] === c).map((g) => g.from))]);
    expect(seenAs.map((s) => s.length)).toEqual([1, 1]);
    expect(seenAs[0]![0]).not.toBe(seenAs[1]![0]);
    for (const c of [1, 0]) await server.send(Buffer.from(`to ${'ab'[c]}`), { to: seenAs[c]![0]! });
    expect([(await clients[0]!.recv()).data.toString(), (await clients[1]!.recv()).data.toString()]).toEqual(['to a', 'to b']);
    const faults = (conn: number) => watched.events.filter((e) => e.ev === 'fault' && e.conn === conn).map((e) => [e.fault, e.message]);
    expect(faults(1)).toEqual([
      ['delay', 1],
      ['drop', 4],
      ['duplicate', 6],
      ['reorder', 9],
    ]);
    expect(faults(2)).toEqual([
      ['delay', 1],
      ['drop', 4],
      ['duplicate', 6],
      ['reorder', 9],
    ]);
  } finally {
    for (const client of clients) client.close();
    server.close();
  }
  const stopped = await watched.proxy.stop();
  expect(stopped.stats.faults).toBe(8);
});

// The datagram loop reads every client: a message `reorder` holds for one client went alone only
// once the listening socket fell idle for 100 ms, so while another client kept sending it stayed
// held (here until b's 20000 round trips were over; with no pause, until the proxy stopped and
// closed it unsent). It goes once it has waited with no next one of its own client's.
it('reorder on datagrams: a message held for one client goes alone while another client keeps sending', async () => {
  n++;
  const listen = path.join(temp.dir, `p${n}`);
  const connect = path.join(temp.dir, `s${n}`);
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  // a's second datagram starts at byte 100 of a's direction; none of b's 1-byte ones is selected
  const watched = watchedProxy({ listen, connect, type: 'dgram', capture: false, toServer: { reorder: { message: 2, fromByte: 100 } } });
  const [a, b] = ['a', 'b'].map((name) => {
    const client = UnixSocket.create('dgram');
    client.bind(path.join(temp.dir, `ro${n}${name}`));
    return client;
  }) as [UnixSocket, UnixSocket];
  const cap = 20_000;
  let roundTrips = 0;
  let arrived = false;
  try {
    await a.send(Buffer.alloc(100, 'a'), { to: listen });
    await a.send(Buffer.from('A'), { to: listen });
    expect((await server.recv()).data.length).toBe(100);
    await watched.waitFor('reorder', (e) => e.ev === 'fault' && e.fault === 'reorder');
    // b keeps the proxy busy: one datagram at a time, the next once the server has it
    while (!arrived && roundTrips < cap) {
      await b.send(Buffer.from('b'), { to: listen });
      roundTrips++;
      for (;;) {
        const text = (await server.recv()).data.toString();
        if (text === 'A') arrived = true;
        else break;
      }
    }
  } finally {
    a.close();
    b.close();
    server.close();
  }
  await watched.proxy.stop();
  expect({ arrived, beforeTheLastRoundTrip: roundTrips < cap }).toEqual({ arrived: true, beforeTheLastRoundTrip: true });
});

itLinux('chunk: every re-split read is a fault event and counted; past the first 100 of a direction, one summary', async () => {
  const pair = await through('stream', { toServer: { chunk: 1 } });
  try {
    for (let i = 0; i < 103; i++) {
      await pair.client.send(Buffer.from('ab'));
      expect(await records(pair.conn, 2)).toEqual(['a', 'b']);
    }
    // a read that fits in one piece is not re-split: no fault
    await pair.client.send(Buffer.from('z'));
    expect(await records(pair.conn, 1)).toEqual(['z']);
  } finally {
    const stats = await pair.close();
    expect(stats.faults).toBe(103);
    // the summary stands for the 3 it names: the count by name agrees with the total
    expect(stats.faultsByName).toEqual({ chunk: 103 });
  }
  const chunks = pair.watched.events.filter((e) => e.fault === 'chunk');
  expect(chunks).toHaveLength(101);
  expect(chunks[0]).toMatchObject({ from: 'client', to: 'server', message: 1, offset: 0, detail: '2 bytes re-split into 2 pieces of 1 byte' });
  expect(chunks[99]).toMatchObject({ message: 100, offset: 198 });
  expect(chunks[100]).toMatchObject({ count: 3, detail: '3 more reads re-split (6 bytes into 6 pieces), not listed one by one: only the first 100 of a direction are' });
});

itLinux('chunk: a range names the sizes the pieces were cut to', async () => {
  const pair = await through('stream', { toServer: { chunk: '2..3' }, seed: 11 });
  try {
    await pair.client.send(Buffer.from('abcdefghijklmnopqrstuvwxyz'));
    const pieces: string[] = [];
    while (pieces.join('').length < 26) pieces.push((await pair.conn.recv()).data.toString());
    const event = await pair.watched.waitFor('chunk', (e) => e.fault === 'chunk');
    const sizes = pieces.map((p) => p.length);
    const range = Math.min(...sizes) === Math.max(...sizes) ? `${sizes[0]}` : `${Math.min(...sizes)}..${Math.max(...sizes)}`;
    expect(event.detail).toBe(`26 bytes re-split into ${pieces.length} pieces of ${range} bytes`);
  } finally {
    await pair.close();
  }
});

it('delay on every message: each one a fault; past the first 100 of a direction, one summary with the count and the time', async () => {
  const pair = await through('stream', { toServer: { delay: '1ms' } });
  try {
    for (let i = 0; i < 103; i++) {
      await pair.client.send(Buffer.from('x'));
      expect(await records(pair.conn, 1)).toEqual(['x']);
    }
  } finally {
    const stats = await pair.close();
    expect(stats.faults).toBe(103);
    // the summary stands for the 3 it names: the count by name agrees with the total
    expect(stats.faultsByName).toEqual({ delay: 103 });
  }
  const delays = pair.watched.events.filter((e) => e.fault === 'delay');
  expect(delays).toHaveLength(101);
  expect(delays.slice(0, 100).map((e) => [e.message, e.offset, e.detail, e.count])).toEqual([...Array(100).keys()].map((i) => [i + 1, i, '1 ms', undefined]));
  expect(delays[100]).toMatchObject({ from: 'client', to: 'server', count: 3, detail: '3 more delays (3 ms in all), not listed one by one: only the first 100 of a direction are' });
});

// The datagram loop's per-client pumps end with the proxy: their summaries come before `stopped`.
it('delay on datagrams from a client: listed, then summed up as the proxy stops', async () => {
  n++;
  const listen = path.join(temp.dir, `p${n}`);
  const connect = path.join(temp.dir, `s${n}`);
  const server = UnixSocket.create('dgram');
  server.bind(connect);
  const watched = watchedProxy({ listen, connect, type: 'dgram', toServer: { delay: { time: '0ms', jitter: '1ms' } }, seed: 3 });
  const client = UnixSocket.create('dgram');
  client.bind(path.join(temp.dir, `dc${n}`));
  try {
    for (let k = 0; k < 102; k++) {
      await client.send(Buffer.from(`d${k}`), { to: listen });
      expect((await server.recv()).data.toString()).toBe(`d${k}`);
    }
  } finally {
    client.close();
    server.close();
  }
  const stopped = await watched.proxy.stop();
  expect(stopped.stats.faults).toBe(102);
  expect(stopped.stats.faultsByName).toEqual({ delay: 102 });
  const delays = watched.events.filter((e) => e.fault === 'delay');
  expect(delays.slice(0, 100).every((e) => /^[01] ms$/.test(String(e.detail)))).toBe(true);
  expect(delays[100]).toMatchObject({ count: 2, detail: expect.stringMatching(/^2 more delays \([0-2] ms in all\), not listed one by one/) });
  expect(watched.events.at(-1)?.ev).toBe('stopped');
});

itLinux('delay per chunk with jitter: the pieces cut are the ones the chunk event names, each held once', async () => {
  const pair = await through('stream', { toServer: { chunk: '2..3', delay: { time: '0ms', jitter: '2ms', per: 'chunk' } }, seed: 11 });
  try {
    await pair.client.send(Buffer.from('abcdefghijklmnopqrstuvwxyz'));
    const pieces: string[] = [];
    while (pieces.join('').length < 26) pieces.push((await pair.conn.recv()).data.toString());
    const event = await pair.watched.waitFor('chunk', (e) => e.fault === 'chunk');
    const sizes = pieces.map((p) => p.length);
    const range = Math.min(...sizes) === Math.max(...sizes) ? `${sizes[0]}` : `${Math.min(...sizes)}..${Math.max(...sizes)}`;
    expect(event.detail).toBe(`26 bytes re-split into ${pieces.length} pieces of ${range} bytes`);
    const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    // the events come on their own way: the last piece can be read before its event is seen
    await pair.watched.waitFor('the last piece’s delay', (e) => e.fault === 'delay' && e.offset === offsets.at(-1));
    const delays = pair.watched.events.filter((e) => e.fault === 'delay');
    expect(delays.map((e) => e.offset)).toEqual(offsets);
    expect(delays.every((e, i) => new RegExp(`^[0-2] ms before piece ${i + 1}$`).test(String(e.detail)))).toBe(true);
  } finally {
    const stats = await pair.close();
    expect(stats.faultsByName).toMatchObject({ chunk: 1 });
    expect(stats.faults).toBe(1 + (stats.faultsByName?.delay ?? 0));
  }
});
