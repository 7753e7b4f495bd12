// Addresses end to end through real peers: a peer is known by every path it bound (its own path,
// its `bind: { path }` steps, the `bind` events a program writes), `recv.from` takes a peer id or
// a path, and a server's bare `bind` binds the scenario's address (socket, bind, recvfrom).
// Needs `node scripts/build.mjs` (dist/peer.cjs) and the addon (build/Release).
import type { ScenarioInput, StepInput } from '../../src/scenario/types';
import { describeBuilt, expectPass, itLinux, useRunBase } from './scripted-runs';

const runs = useRunBase('addr', 15_000);
const run = runs.run;

/** A datagram ping/pong: the client binds `bindPath`, the server checks the sender with `from`. */
function boundClient(bindPath: string, from: string): ScenarioInput {
  return {
    name: `bound datagram client (${bindPath}, from ${from})`,
    socket: 'dgram',
    server: { steps: ['listen', { recv: { from, text: 'ping' } }, { send: { text: 'pong' } }, 'close'] },
    client: { steps: [{ bind: { path: bindPath } }, { send: { text: 'ping' } }, { recv: { from: 'server', text: 'pong' } }, 'close'] },
  };
}

/** Python client that binds its own path, optionally announces it (before or after it sends), and sends one datagram. */
function pythonClient(announce: boolean, announceAfterSend = false): string {
  const announcing = announce
    ? [
        'ev = socket.socket(fileno=int(os.environ["UDS_FIXTURE_EVENTS_FD"]))',
        'ev.sendall((json.dumps({"t": time.monotonic_ns(), "peer": os.environ["UDS_FIXTURE_PEER"], "ev": "bind", "path": me}) + "\\n").encode())',
      ]
    : [];
  const sending = ['s.sendto(b"ping", os.environ["UDS_FIXTURE_SOCKET"])'];
  return [
    'import json, os, socket, time',
    'me = os.path.join(os.environ["UDS_FIXTURE_DIR"], "py.sock")',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(me)',
    ...(announceAfterSend ? [...sending, ...announcing] : [...announcing, ...sending]),
    // the silent one is never answered: it ends after sending
    ...(announce ? ['print(s.recv(64).decode(), flush=True)'] : []),
    's.close()',
    'os.unlink(me)',
  ].join('\n');
}

describeBuilt('addresses (skipped unless built)', () => {
  it('`from: client` accepts a datagram from the path the client bound (relative)', async () => {
    expectPass(await run(boundClient('mine.sock', 'client')));
  });

  it('`from: client` accepts a datagram from the path the client bound (absolute)', async () => {
    expectPass(await run(boundClient('${dir}/abs.sock', 'client')));
  });

  it('`from:` may be the path itself', async () => {
    const result = await run(boundClient('mine.sock', 'mine.sock'));
    expectPass(result);
    const recv = result.timeline.find((e) => e.peer === 'server' && e.ev === 'recv');
    expect(recv).toMatchObject({ fromPeer: 'client' });
    expect(String(recv?.from)).toMatch(/\/mine\.sock$/);
  });

  it('a datagram from an unbound socket is not from `client`', async () => {
    const result = await run({
      name: 'unbound sender',
      socket: 'dgram',
      server: { steps: ['listen', { recv: { from: 'client', text: 'ping' } }, 'close'] },
      client: { steps: [{ send: { text: 'ping' } }, 'close'] },
    });
    expect(result.passed).toBe(false);
    expect(result.failures.find((f) => f.peer === 'server')?.message).toMatch(/recv expected a datagram from client \(known by .*c1\.sock.*\) but it came from an unbound socket/);
  });

  const cStyle = (address: 'path' | 'abstract'): ScenarioInput => ({
    name: `C-style datagram server (${address})`,
    socket: { type: 'dgram', address },
    // socket, bind, recvfrom, sendto: no `listen`
    server: { steps: ['bind', { recv: { from: 'client', text: 'ping' } }, { send: { text: 'pong' } }, 'close'] },
    client: { steps: ['bind', { send: { text: 'ping' } }, { recv: { text: 'pong' } }, 'close'] },
  });

  it('a server’s bare `bind` binds the scenario address, and readiness follows it (path)', async () => {
    const result = await run(cStyle('path'));
    expectPass(result);
    const bind = result.timeline.find((e) => e.peer === 'server' && e.ev === 'bind');
    // with `address: path` the scenario's socket is the server's own path (s.sock in the run directory)
    expect(String(bind?.path)).toMatch(/\/s\.sock$/);
  });

  itLinux('a server’s bare `bind` binds the scenario address (abstract), not its own path', async () => {
    const result = await run(cStyle('abstract'));
    expectPass(result);
    expect(String(result.timeline.find((e) => e.peer === 'server' && e.ev === 'bind')?.path)).toMatch(/^@/);
  });

  it('a stream server may `bind` then `listen` on the same socket', async () => {
    const steps: StepInput[] = ['bind', 'listen', 'accept', { recv: { text: 'hi' } }, 'close'];
    expectPass(await run({ name: 'bind, listen', socket: 'stream', server: { steps }, client: { steps: ['connect', { send: { text: 'hi' } }, 'close'] } }));
  });

  it('a python3 client that announces its bound path in a `bind` event is known by it', async () => {
    const result = await run({
      name: 'python client, announced path',
      socket: 'dgram',
      server: { steps: ['listen', { recv: { from: 'client', text: 'ping' } }, { send: { text: 'pong' } }, 'close'] },
      client: { run: ['python3', '-c', pythonClient(true)] },
    });
    expectPass(result);
    expect(result.peers.find((p) => p.id === 'client')?.stdout.trim()).toBe('pong');
  });

  it('a datagram that overtakes the `bind` event naming its sender (announced after sending) is still judged from the client', async () => {
    const result = await run({
      name: 'python client, path announced after sending',
      socket: 'dgram',
      server: { steps: ['listen', { recv: { from: 'client', text: 'ping' } }, { send: { text: 'pong' } }, 'close'] },
      client: { run: ['python3', '-c', pythonClient(true, true)] },
    });
    expectPass(result);
    expect(result.timeline.find((e) => e.peer === 'server' && e.ev === 'recv')).toMatchObject({ fromPeer: 'client' });
  });

  it('a python3 client that does not announce its path: the step says what it waited for and what to write', async () => {
    const result = await run({
      name: 'python client, silent',
      socket: 'dgram',
      // the client has sent (and ended) before the recv begins, however slowly python3 started: the
      // recv's 1 s is only the wait for a `bind` event that never comes
      server: { steps: ['listen', { waitFor: { peer: 'client', event: 'exit' } }, { recv: { from: 'client', text: 'ping', timeout: '1s' } }, { send: { text: 'pong' } }, 'close'] },
      client: { run: ['python3', '-c', pythonClient(false)] },
    });
    expect(result.passed).toBe(false);
    expect(result.failures.find((f) => f.peer === 'server')?.message).toMatch(/a `bind` event naming \/.*\/py\.sock, to tell whether client sent the datagram.*or write `from: \/.*\/py\.sock`/);
  });
});
