// How the proxy reads a stream (native/stream_queue.h, native/splice_path.h), between python3
// programs: the zero-copy path delivers the same bytes and descriptors as the copy path, a
// descriptor never loses its bytes, and the faults that need no bytes in hand still fall where
// they are declared.
import { spawn } from 'node:child_process';
import { fstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { startProxy } from '../../src/proxy';
import type { ProxyStopped } from '../../src/proxy';
import { UnixSocket } from '../../src/socket';
import { makeDir } from './harness';

const programs = path.join(__dirname, 'programs');
const temp = makeDir();
afterAll(() => temp.remove());
// The first use loads the addon and starts Node's helper threads (descriptors of their own):
// counts are taken after that.
beforeAll(async () => {
  await startProxy({ listen: path.join(temp.dir, 'warm'), connect: path.join(temp.dir, 'none') }).stop();
});
// macOS has no splice(2): there every byte takes the copy path (README, platform differences).
const zeroCopies = process.platform === 'linux';
/** The descriptors open in this process now, by number (the listing's own, closed by then, left out). */
function openDescriptors(): Set<number> {
  const open = (fd: number) => {
    try {
      fstatSync(fd);
      return true;
    } catch {
      return false;
    }
  };
  return new Set(readdirSync(process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd').map(Number).filter(open));
}

interface FdArrival {
  start: number;
  end: number;
  dev: number;
  ino: number;
  text: string;
}
interface Exchange {
  sent: { sha256: string; bytes: number; fds: Omit<FdArrival, 'end'>[] };
  received: { sha256: string; bytes: number; fds: FdArrival[]; truncated: boolean };
}

/** A python3 program; resolves with its stdout lines once it exits 0 (rejects otherwise, or after 30 s). */
function python(args: string[], onLine: (line: string) => void = () => undefined): Promise<string[]> {
  const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    onLine(line);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`python3 ${args.join(' ')} did not exit within 30 s; stderr: ${stderr}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(lines);
      else reject(new Error(`python3 ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

let n = 0;
/** stream_source.py → proxy → stream_sink.py; what each side saw, and the proxy's counters. */
async function exchange(options: { capture: boolean; pieces: number; fdEvery: number }): Promise<{ result: Exchange; stopped: ProxyStopped }> {
  n++;
  const listen = path.join(temp.dir, `p${n}`);
  const connect = path.join(temp.dir, `s${n}`);
  const files = path.join(temp.dir, `files${n}`);
  mkdirSync(files);
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const sink = python([path.join(programs, 'stream_sink.py'), connect], (line) => line === 'ready' && ready());
  const proxy = startProxy({ listen, connect, capture: options.capture });
  try {
    await Promise.race([listening, sink]);
    const [line] = await python([path.join(programs, 'stream_source.py'), listen, files, String(options.pieces), String(options.fdEvery)]);
    await sink;
    return { result: JSON.parse(line!) as Exchange, stopped: await proxy.stop() };
  } finally {
    await proxy.stop();
  }
}

it('a stream with no descriptors goes on without a copy both ways (capture off), every byte the same, nothing left open', async () => {
  const before = openDescriptors();
  const { result, stopped } = await exchange({ capture: false, pieces: 96, fdEvery: 0 });
  // None opened since is still open: the pipes and fdinfo files of both directions too. (Compared
  // by number, not by count: one that was open before may have closed meanwhile.)
  expect([...openDescriptors()].filter((fd) => !before.has(fd))).toEqual([]);
  expect(result.received.sha256).toBe(result.sent.sha256);
  expect(result.received.bytes).toBe(result.sent.bytes);
  expect(stopped.stats.bytes.toServer).toBe(result.sent.bytes);
  expect(stopped.stats.bytes.toClient).toBeGreaterThan(0); // the sink's answer
  // No read carries a descriptor, so every one takes the zero-copy path where there is one.
  expect(stopped.stats.zeroCopyBytes).toEqual(zeroCopies ? stopped.stats.bytes : { toServer: 0, toClient: 0 });
});

it('descriptors among the bytes: each arrives with its bytes, the same file, none leaked — as on the copy path', async () => {
  const spliced = await exchange({ capture: false, pieces: 160, fdEvery: 16 });
  const copied = await exchange({ capture: true, pieces: 160, fdEvery: 16 });
  for (const { result, stopped } of [spliced, copied]) {
    expect(result.received).toMatchObject({ sha256: result.sent.sha256, bytes: result.sent.bytes, truncated: false });
    expect(result.sent.fds).toHaveLength(10);
    // Each descriptor, in order, is the file sent, and it comes with a read that holds its first
    // byte or bytes before it: never with bytes sent after it.
    expect(result.received.fds.map(({ dev, ino, text }) => ({ dev, ino, text }))).toEqual(result.sent.fds.map(({ dev, ino, text }) => ({ dev, ino, text })));
    result.received.fds.forEach((arrival, i) => expect(arrival.start).toBeLessThanOrEqual(result.sent.fds[i]!.start));
    expect(stopped.stats.fds).toMatchObject({ received: 10, forwarded: 10, closed: 10, leaked: 0 });
    expect(stopped.stats.bytes.toServer).toBe(result.sent.bytes);
  }
  expect(copied.stopped.stats.zeroCopyBytes).toEqual({ toServer: 0, toClient: 0 });
  // What was not read with a descriptor was free to go without a copy; how much depends on how the
  // client's writes queued up, so only the bounds are certain.
  expect(spliced.stopped.stats.zeroCopyBytes.toServer).toBeLessThanOrEqual(spliced.result.sent.bytes);
  if (!zeroCopies) expect(spliced.stopped.stats.zeroCopyBytes.toServer).toBe(0);
});

it('reset after N bytes falls on byte N without the capture too', async () => {
  const afterBytes = 200_000;
  const n0 = n + 1;
  const listen = path.join(temp.dir, `p${n0}`);
  const connect = path.join(temp.dir, `s${n0}`);
  n = n0;
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  // A sink that counts what arrives until its connection ends, however it ends.
  const sink = python(['-c', 'import socket,sys\ns=socket.socket(socket.AF_UNIX);s.bind(sys.argv[1]);s.listen(1);print("ready",flush=True)\nc,_=s.accept();t=0\ntry:\n  while True:\n    d=c.recv(65536)\n    if not d: break\n    t+=len(d)\nexcept ConnectionResetError: pass\nprint(t,flush=True)', connect], (line) => line === 'ready' && ready());
  const proxy = startProxy({ listen, connect, capture: false, toServer: { reset: { afterBytes } } });
  try {
    await Promise.race([listening, sink]);
    // The source writes 1 MiB and ignores how its connection ends (a reset or a broken pipe).
    await python(['-c', 'import socket,sys\nc=socket.socket(socket.AF_UNIX);c.connect(sys.argv[1])\ntry:\n  c.sendall(b"x"*(1<<20))\nexcept OSError: pass', listen]);
    const lines = await sink;
    expect(Number(lines.at(-1))).toBe(afterBytes);
    const stopped = await proxy.stop();
    expect(stopped.stats.faultsByName).toEqual({ reset: 1 });
    expect(stopped.stats.bytes.toServer).toBe(afterBytes);
    if (zeroCopies) expect(stopped.stats.zeroCopyBytes.toServer).toBe(afterBytes);
  } finally {
    await proxy.stop();
  }
});


// Linux: macOS cannot see the queue, and forwards each read as recvmsg gives it.
(process.platform === 'linux' ? it.each([false, true]) : it.skip.each([false, true]))(
  'a descriptor sent right after plain bytes goes on with its own byte, not with theirs (capture %s)',
  async (capture) => {
    n++;
    const listen = path.join(temp.dir, `p${n}`);
    const connect = path.join(temp.dir, `s${n}`);
    const file = path.join(temp.dir, `passed${n}.txt`);
    let ready!: () => void;
    const listening = new Promise<void>((resolve) => (ready = resolve));
    // The sink takes exactly the 100 plain bytes with reads that have no room for a descriptor
    // (one among them would be discarded: MSG_CTRUNC), then the byte the descriptor came with.
    const sink = python(
      [
        '-c',
        [
          'import array, json, os, socket, sys',
          'l = socket.socket(socket.AF_UNIX); l.bind(sys.argv[1]); l.listen(1); print("ready", flush=True)',
          'c, _ = l.accept(); head = b""; cut = False',
          'while len(head) < 100:',
          '    d, anc, flags, _ = c.recvmsg(100 - len(head)); head += d; cut = cut or bool(flags & socket.MSG_CTRUNC) or bool(anc)',
          'd, anc, flags, _ = c.recvmsg(10, socket.CMSG_SPACE(16))',
          'fds = array.array("i")',
          'for (_, _, p) in anc: fds.frombytes(p[: len(p) - len(p) % 4])',
          'print(json.dumps({"head": len(head), "cut": cut, "tail": d.decode(), "text": [os.pread(fd, 64, 0).decode() for fd in fds]}), flush=True)',
        ].join('\n'),
        connect,
      ],
      (line) => line === 'ready' && ready(),
    );
    // The proxy waits before its first read, so that both messages are usually queued by then
    // (when not, the read takes them apart anyway: the verdict is the same).
    const proxy = startProxy({ listen, connect, capture, toServer: { stall: { after: 0, for: '300ms' } } });
    try {
      await Promise.race([listening, sink]);
      const source = [
        'import array, os, socket, sys',
        'open(sys.argv[2], "w").write("the file")',
        'c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); c.sendall(b"h" * 100)',
        'fd = os.open(sys.argv[2], os.O_RDONLY)',
        'c.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))]); c.close()',
      ].join('\n');
      await python(['-c', source, listen, file]);
      const [line] = (await sink).filter((l) => l !== 'ready');
      expect(JSON.parse(line!)).toEqual({ head: 100, cut: false, tail: 'F', text: ['the file'] });
      const stopped = await proxy.stop();
      expect(stopped.stats.fds).toMatchObject({ received: 1, forwarded: 1, closed: 1, leaked: 0 });
    } finally {
      await proxy.stop();
    }
  },
);

it('a server that never reads, without the capture: the proxy waits in its writes, and stopping it ends them, nothing left open', async () => {
  n++;
  const listen = path.join(temp.dir, `p${n}`);
  const connect = path.join(temp.dir, `s${n}`);
  const server = UnixSocket.create('stream');
  server.bind(connect);
  server.listen();
  const before = openDescriptors();
  const proxy = startProxy({ listen, connect, capture: false });
  const client = UnixSocket.create('stream');
  try {
    await client.connect(listen);
    const conn = await server.accept();
    // 4 MiB cannot all fit in the buffers between the client and a server that never reads: the
    // proxy's write to the server waits, and the client's own send waits behind it.
    const sending = client.send(Buffer.alloc(4 << 20, 1)).catch((err: Error) => err);
    // Bounded: until the proxy has forwarded some of it (then its next write has no room left).
    const deadline = Date.now() + 10_000;
    while (proxy.stats().bytes.toServer === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    const stopped = await proxy.stop();
    expect(stopped.stats.bytes.toServer).toBeGreaterThan(0);
    if (zeroCopies) expect(stopped.stats.zeroCopyBytes.toServer).toBe(stopped.stats.bytes.toServer);
    client.close();
    await sending;
    conn.close();
  } finally {
    client.close();
    server.close();
    await proxy.stop();
  }
  expect([...openDescriptors()].filter((fd) => !before.has(fd))).toEqual([]);
});
