// A server with several connections, end to end through real peers: each accept keeps its
// connection open, steps pick one by name (`on:`) or by the peer that made it (`from:`), and
// sequence traffic fans in from all of them in one native run, judged per sender.
// Needs `node scripts/build.mjs` (dist/peer.cjs) and the addon (build/Release).
import type { ScenarioResult } from '../../src/judge/result';
import type { ScenarioInput } from '../../src/scenario/types';
import { describeBuilt, expectPass, itLinux, useRunBase } from './scripted-runs';

// macOS has no AF_UNIX SOCK_SEQPACKET (README: platform differences).
const itSeqpacket = itLinux;
const runs = useRunBase('conns', 20_000);
const run = runs.run;

/** Three clients × 1 000 sequence messages into a server that accepts three times and receives once. */
function fanIn(socket: 'stream' | 'seqpacket'): ScenarioInput {
  return {
    name: `three ${socket} clients into one recv`,
    socket,
    server: { steps: ['listen', 'accept', 'accept', 'accept', { recv: { count: 3000, size: '64..512', pattern: 'sequence' } }, 'close'] },
    clients: { count: 3, steps: ['connect', { send: { count: 1000, size: '64..512', pattern: 'sequence' } }, { recv: { eof: true } }, 'close'] },
  };
}

function receiverSummary(result: ScenarioResult): Record<string, unknown> {
  const summary = result.timeline.find((e) => e.peer === 'server' && e.ev === 'traffic' && e.role === 'receiver' && e.partial !== true);
  expect(summary).toBeDefined();
  return summary as Record<string, unknown>;
}

describeBuilt('a server with several connections (skipped unless built)', () => {
  itSeqpacket('seqpacket: one recv of 3 000 reads all three connections, each sender whole and in its own order', async () => {
    const result = await run(fanIn('seqpacket'));
    expectPass(result);
    const summary = receiverSummary(result);
    expect(summary).toMatchObject({ received: 3000, unique: 3000, lost: 0, duplicated: 0, reordered: 0, corrupt: 0 });
    expect(summary.senders).toEqual({ 'client-1': 1000, 'client-2': 1000, 'client-3': 1000 });
    expect(result.timeline.find((e) => e.peer === 'server' && e.ev === 'recv')).toMatchObject({ messages: 3000, connections: 3 });
  });

  it('stream: each connection keeps its own frame reassembly', async () => {
    const result = await run(fanIn('stream'));
    expectPass(result);
    const summary = receiverSummary(result);
    expect(summary).toMatchObject({ received: 3000, unique: 3000, lost: 0, reordered: 0, corrupt: 0, boundaryViolations: 0 });
    expect(summary.senders).toEqual({ 'client-1': 1000, 'client-2': 1000, 'client-3': 1000 });
  });

  it('named connections: `on:` talks to the first client after the second was accepted', async () => {
    // With one current connection the server's first exchange would go to the second client,
    // which would then read "hello" where it waits for the end of the stream.
    const result = await run({
      name: 'ping and pong, one client at a time',
      socket: 'stream',
      server: {
        steps: [
          'listen',
          { accept: { as: 'first' } },
          { accept: { as: 'second' } },
          { send: { on: 'first', text: 'hello' } },
          { recv: { on: 'first', text: 'bye' } },
          { send: { on: 'second', text: 'hello' } },
          { recv: { on: 'second', text: 'bye' } },
          { close: { on: 'first' } },
          { shutdown: { on: 'second', how: 'write' } },
          { recv: { on: 'second', eof: true } },
          'close',
        ],
      },
      clients: { count: 2, steps: ['connect', { recv: { text: 'hello' } }, { send: { text: 'bye' } }, { shutdown: 'write' }, { recv: { eof: true } }, 'close'] },
    });
    expectPass(result);
    const accepts = result.timeline.filter((e) => e.peer === 'server' && e.ev === 'accept');
    expect(accepts.map((e) => [e.as, e.connection])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
  });

  it('`from: client-2` on a stream server reads that client and answers it', async () => {
    // With one current connection both reads would wait on the same client.
    const result = await run({
      name: 'answer each client by name',
      socket: 'stream',
      server: {
        steps: [
          'listen',
          'accept',
          'accept',
          { recv: { from: 'client-2', text: 'hi' } },
          { send: { text: 'for-2' } },
          { recv: { from: 'client-1', text: 'hi' } },
          { send: { text: 'for-1' } },
          'close',
        ],
      },
      clients: { count: 2, steps: ['connect', { send: { text: 'hi' } }, { recv: {} }, { recv: { eof: true } }, 'close'] },
    });
    expectPass(result);
    const got = (id: string): unknown => result.timeline.find((e) => e.peer === id && e.ev === 'recv' && e.eof === undefined)?.data;
    expect(got('client-1')).toContain('for-1');
    expect(got('client-2')).toContain('for-2');
  });

  it('sequence traffic `from: client-1` reads only that connection', async () => {
    const result = await run({
      name: 'one sender at a time',
      socket: 'stream',
      server: {
        steps: [
          'listen',
          'accept',
          'accept',
          { recv: { from: 'client-1', count: 200, size: 64, pattern: 'sequence' } },
          { recv: { from: 'client-2', count: 200, size: 64, pattern: 'sequence' } },
          'close',
        ],
      },
      clients: { count: 2, steps: ['connect', { send: { count: 200, size: 64, pattern: 'sequence' } }, { recv: { eof: true } }, 'close'] },
    });
    expectPass(result);
    const summaries = result.timeline.filter((e) => e.peer === 'server' && e.ev === 'traffic' && e.role === 'receiver');
    expect(summaries.map((s) => s.senders)).toEqual([{ 'client-1': 200 }, { 'client-2': 200 }]);
  });

  it('`from:` names a peer none of whose connections the server accepted: a clear failure', async () => {
    const result = await run({
      name: 'nobody by that name connected',
      socket: 'stream',
      server: { steps: ['listen', { accept: { as: 'only' } }, { recv: { from: 'server', text: 'hi' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'hi' } }, { recv: { eof: true } }, 'close'] },
    });
    expect(result.passed).toBe(false);
    const failure = result.failures.find((f) => f.peer === 'server');
    expect(failure?.message).toMatch(/none of the server's open connections is server's \(pid \d+\): #1 \(only\) from pid \d+; accept its connection first/);
  });

  it('two python3 clients (run:) talk to a scripted server over named connections', async () => {
    // Each program prints its pid and what the server told it; the server's accept events carry
    // the pid of the connection each name stands for.
    const client = [
      'import os, socket, sys',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.connect(os.environ["UDS_FIXTURE_SOCKET"])',
      'got = b""',
      'while not got.endswith(b"\\n"):',
      '    chunk = s.recv(64)',
      '    if not chunk: break',
      '    got += chunk',
      'print(os.getpid(), got.decode().strip(), flush=True)',
      's.sendall(b"ack")',
      'while s.recv(64): pass',
      's.close()',
    ].join('\n');
    const result = await run({
      name: 'python clients, named connections',
      socket: 'stream',
      server: {
        steps: [
          'listen',
          { accept: { as: 'a' } },
          { accept: { as: 'b' } },
          { send: { on: 'b', text: 'you are b\n' } },
          { recv: { on: 'b', text: 'ack' } },
          { send: { on: 'a', text: 'you are a\n' } },
          { recv: { on: 'a', text: 'ack' } },
          'close',
        ],
      },
      clients: { count: 2, run: ['python3', '-c', client] },
    });
    expectPass(result);
    const pidOf = (name: string): number => (result.timeline.find((e) => e.peer === 'server' && e.ev === 'accept' && e.as === name)?.credentials as { pid: number }).pid;
    const told = new Map(
      result.peers
        .filter((p) => p.role === 'client')
        .map((p) => {
          const [pid, ...words] = p.stdout.trim().split(' ');
          return [Number(pid), words.join(' ')] as const;
        }),
    );
    expect(told.get(pidOf('a'))).toBe('you are a');
    expect(told.get(pidOf('b'))).toBe('you are b');
  });

  it('from: picks the connection a python3 client (run:) made, by its process group, whatever order they connected in', async () => {
    // Each program says its peer id; the server reads client-2 first, then client-1.
    const client = [
      'import os, socket',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.connect(os.environ["UDS_FIXTURE_SOCKET"])',
      's.sendall(os.environ["UDS_FIXTURE_PEER"].encode())',
      'while s.recv(64): pass',
    ].join('\n');
    const result = await run({
      name: 'python clients picked by from',
      socket: 'stream',
      server: {
        steps: ['listen', 'accept', 'accept', { recv: { from: 'client-2', text: 'client-2' } }, { recv: { from: 'client-1', text: 'client-1' } }, 'close'],
      },
      clients: { count: 2, run: ['python3', '-c', client] },
    });
    expectPass(result);
  });
});

