// The native layer dates each send and receive at the system call, on the clock of
// process.hrtime.bigint(), which is the clock of event times: a foreign program reading its own
// monotonic clock (CLOCK_MONOTONIC on Linux, CLOCK_MONOTONIC_RAW on macOS, as the README says
// event writers should) lands on the same timeline. Only orders are asserted, never durations.
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import path from 'node:path';
import { UnixSocket } from '../../src/socket';
import { makeTempDir } from './temp-dir';

const now = (): number => Number(process.hrtime.bigint());

test('a send is dated as sendmsg began, its receive as recvmsg returned, both on process.hrtime’s clock', async () => {
  for (const type of ['stream', 'dgram'] as const) {
    const [a, b] = UnixSocket.pair(type);
    try {
      const before = now();
      const sent = await a.sendDated(Buffer.from('ping'));
      const between = now();
      const got = await b.recv();
      const after = now();
      expect(sent.bytes).toBe(4);
      expect(before).toBeLessThanOrEqual(sent.atNs);
      expect(sent.atNs).toBeLessThanOrEqual(between);
      expect(sent.atNs).toBeLessThan(got.atNs);
      expect(got.atNs).toBeLessThanOrEqual(after);
      // descriptors too
      const fdSent = await a.sendDated(Buffer.from('F'), { fds: [0] });
      const fdGot = await b.recvFds({ room: 1 });
      for (const fd of fdGot.fds) closeSync(fd);
      expect(fdSent.atNs).toBeLessThan(fdGot.atNs);
      // the plain send still resolves to the byte count
      expect(await a.send(Buffer.from('x'))).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  }
});

test('a connect is dated as connect(2) began, its accept as accept(2) returned', async () => {
  const temp = makeTempDir();
  const where = path.join(temp.dir, 's.sock');
  const listener = UnixSocket.create('stream');
  const client = UnixSocket.create('stream');
  let accepted: UnixSocket | undefined;
  try {
    listener.bind(where);
    listener.listen();
    expect([client.connectAtNs, listener.acceptedAtNs]).toEqual([0, 0]);
    const before = now();
    await client.connect(where);
    const between = now();
    accepted = await listener.accept();
    const after = now();
    expect(before).toBeLessThanOrEqual(client.connectAtNs);
    expect(client.connectAtNs).toBeLessThanOrEqual(between);
    expect(client.connectAtNs).toBeLessThan(accepted.acceptedAtNs);
    expect(accepted.acceptedAtNs).toBeLessThanOrEqual(after);
    // only the accepted socket has an accept date; it made no connect of its own
    expect([accepted.connectAtNs, client.acceptedAtNs]).toEqual([0, 0]);
  } finally {
    accepted?.close();
    client.close();
    listener.close();
    temp.remove();
  }
});

// python3 is the foreign program: it stamps its own send and receive with the monotonic clock an
// external event writer uses, and those stamps fall on the same side of ours as causality says.
const PY = `
import socket, sys, time
clock = time.CLOCK_MONOTONIC_RAW if sys.platform == 'darwin' else time.CLOCK_MONOTONIC
s = socket.socket(fileno=3)
s.settimeout(20)
sent = time.clock_gettime_ns(clock)
s.sendall(b'ping')
data = s.recv(16)
received = time.clock_gettime_ns(clock)
print(sent, received, flush=True)
`;

test('a foreign program’s monotonic stamps agree with ours across processes (python3)', async () => {
  const [mine, theirs] = UnixSocket.pair('stream');
  const child = spawn('python3', ['-c', PY], { stdio: ['ignore', 'pipe', 'inherit', theirs.fd] });
  theirs.close();
  try {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const got = await mine.recv();
    expect(got.data.toString()).toBe('ping');
    const answer = await mine.sendDated(Buffer.from('pong'));
    expect(await exited).toBe(0);
    const [pySent, pyReceived] = out.trim().split(' ').map(Number);
    // Python stamped before its send; we stamped after our recvmsg returned its bytes.
    expect(pySent).toBeLessThan(got.atNs);
    // We stamped before our sendmsg; Python stamped after its recv returned.
    expect(answer.atNs).toBeLessThan(pyReceived!);
  } finally {
    mine.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 20_000);
