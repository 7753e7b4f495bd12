// The external fixture programs (C and Python) as scenarios run them: real processes that announce
// readiness on stdout, talk over a real socket, exit 0 and remove their socket file.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { UnixSocket } from '../../src/socket';
import { repoRoot } from '../helpers/child-script';

const WAIT_MS = 10_000;
const bin = (name: string) => path.join(repoRoot, 'fixtures/c/bin', name);
const python = process.env.PYTHON ?? 'python3';

interface Fixture {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function startFixture(argv: string[], stdio: ('pipe' | 'ignore')[] = ['ignore', 'pipe', 'pipe']): Fixture {
  const child = spawn(argv[0]!, argv.slice(1), { stdio });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${WAIT_MS} ms`)), WAIT_MS))),
  ]).finally(() => clearTimeout(timer));
}

function readLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    const onData = (chunk: string): void => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      stream.off('data', onData);
      resolve(text.slice(0, newline));
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended before a full line; got ${JSON.stringify(text)}`)));
  });
}

function echoOnce(socketPath: string, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socketPath);
    let echoed = '';
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.end(message));
    conn.on('data', (chunk: string) => (echoed += chunk));
    conn.on('end', () => resolve(echoed));
    conn.on('error', reject);
  });
}

describe('fixture programs', () => {
  let dir: string;
  const running: Fixture[] = [];
  const start = (argv: string[], stdio?: ('pipe' | 'ignore')[]): Fixture => {
    const fixture = startFixture(argv, stdio);
    running.push(fixture);
    return fixture;
  };

  beforeAll(() => {
    execFileSync('make', ['-s', '-C', path.join(repoRoot, 'fixtures/c')], { stdio: 'inherit' });
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udsf-'));
  });
  afterEach(async () => {
    for (const fixture of running.splice(0)) {
      if (fixture.child.exitCode === null && fixture.child.signalCode === null) {
        fixture.child.kill('SIGKILL');
        await fixture.exited;
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['C echo_stream_server', () => [bin('echo_stream_server')]],
    ['Python echo_server.py', () => [python, path.join(repoRoot, 'fixtures/python/echo_server.py')]],
  ])('%s announces readiness, echoes until end-of-file, exits 0 and unlinks its socket', async (_name, argv) => {
    const socketPath = path.join(dir, 's.sock');
    const server = start([...argv(), socketPath]);
    expect(await bounded(readLine(server.child.stdout!), 'listening line')).toBe('listening');
    expect(await bounded(echoOnce(socketPath, 'hello, fixture'), 'echo')).toBe('hello, fixture');
    expect(await bounded(server.exited, 'exit')).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe('');
    expect(fs.existsSync(socketPath)).toBe(false);
  });

  it('C echo_stream_server --no-unlink leaves a stale socket file behind', async () => {
    const socketPath = path.join(dir, 's.sock');
    const server = start([bin('echo_stream_server'), socketPath, '--no-unlink']);
    await bounded(readLine(server.child.stdout!), 'listening line');
    expect(await bounded(echoOnce(socketPath, 'x'), 'echo')).toBe('x');
    expect(await bounded(server.exited, 'exit')).toEqual({ code: 0, signal: null });
    expect(fs.statSync(socketPath).isSocket()).toBe(true);
  });

  it('C dgram_server acknowledges each datagram to its sender and quits on "quit"', async () => {
    const socketPath = path.join(dir, 's.sock');
    const server = start([bin('dgram_server'), socketPath]);
    await bounded(readLine(server.child.stdout!), 'listening line');
    const client = UnixSocket.create('dgram');
    try {
      client.bind(path.join(dir, 'c.sock'));
      await client.send(Buffer.from('one'), { to: socketPath });
      const reply = await bounded(client.recv(), 'ack');
      expect(reply.data.toString()).toBe('ack:one');
      expect(reply.from).toBe(socketPath);
      await client.send(Buffer.from('quit'), { to: socketPath });
    } finally {
      client.close();
    }
    expect(await bounded(server.exited, 'exit')).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(socketPath)).toBe(false);
  });

  it('C fd_client passes the descriptor of the file it opened', async () => {
    const socketPath = path.join(dir, 's.sock');
    const file = path.join(dir, 'passed.txt');
    fs.writeFileSync(file, 'passed content');
    const listener = UnixSocket.create('stream');
    try {
      listener.bind(socketPath);
      listener.listen();
      const client = start([bin('fd_client'), socketPath, file]);
      const conn = await bounded(listener.accept(), 'accept');
      try {
        const message = await bounded(conn.recv({ maxFds: 1 }), 'descriptor');
        expect(message.data.toString()).toBe('F');
        expect(message.fds).toHaveLength(1);
        const got = fs.fstatSync(message.fds[0]!);
        const want = fs.statSync(file);
        fs.closeSync(message.fds[0]!);
        expect([got.dev, got.ino]).toEqual([want.dev, want.ino]);
        await conn.send(Buffer.from('k'));
      } finally {
        conn.close();
      }
      expect(await bounded(client.exited, 'exit')).toEqual({ code: 0, signal: null });
    } finally {
      listener.close();
      fs.rmSync(socketPath, { force: true });
    }
  });

  it('C events_demo writes events on fd 3 stamped with the same monotonic clock as Node', async () => {
    const before = Number(process.hrtime.bigint());
    const demo = start([bin('events_demo'), 'server'], ['ignore', 'pipe', 'pipe', 'pipe']);
    let text = '';
    const channel = demo.child.stdio[3] as Readable;
    channel.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const closed = new Promise((resolve) => channel.on('close', resolve));
    expect(await bounded(demo.exited, 'exit')).toEqual({ code: 0, signal: null });
    await bounded(closed, 'event channel end');
    const after = Number(process.hrtime.bigint());
    const events = text.trim().split('\n').map((line) => JSON.parse(line) as { t: number; peer: string; ev: string; pid?: number });
    expect(events.map((e) => e.ev)).toEqual(['start', 'ready', 'done']);
    expect(events[0]).toMatchObject({ peer: 'server', pid: demo.child.pid });
    for (const e of events) {
      expect(e.t).toBeGreaterThanOrEqual(before);
      expect(e.t).toBeLessThanOrEqual(after);
    }
  });
});
