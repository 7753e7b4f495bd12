import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { childScript, repoRoot } from '../helpers/child-script';
import { clientGroup, makeScenario, runPeer } from '../plan/make-scenario';
import { fixture, runHandMade } from './run-hand-made';

let base: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-rdy-');
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

const node = process.execPath;
const client = runPeer([node, fixture('echo-client.cjs'), '${socket}', 'ping']);
// These servers are daemons: stopped as soon as their client is done, since readiness is the point here.
const atOnce = { stop: { afterMs: 0, signal: 'SIGTERM' } };

describe('server readiness', () => {
  it('socket: clients start only once the path accepts a connection', async () => {
    const { result, record } = await runHandMade(
      makeScenario({ server: runPeer([node, fixture('echo-server.cjs'), '${socket}'], atOnce), clients: clientGroup(client) }),
      { tmpBase: base },
    );
    expect(result.failures).toEqual([]);
    expect(record.peers[1]!.stdout).toBe('echoed: ping\n');
  });

  it('stdout: waits for the pattern', async () => {
    const { result, record } = await runHandMade(
      makeScenario({
        server: runPeer([node, fixture('echo-server.cjs'), '${socket}', 'ready-stdout'], { ready: { kind: 'stdout', pattern: '^listening on /' }, ...atOnce }),
        clients: clientGroup(client),
      }),
      { tmpBase: base },
    );
    expect(result.failures).toEqual([]);
    expect(record.peers[0]!.stdout).toMatch(/^listening on \/.*s\.sock\n$/);
    expect(record.peers[1]!.stdout).toBe('echoed: ping\n');
  });

  it('event: waits for the event on fd 3, and records a garbage line as a warning', async () => {
    const { result, record } = await runHandMade(
      makeScenario({
        server: runPeer([node, fixture('echo-server.cjs'), '${socket}', 'ready-event'], { ready: { kind: 'event', event: 'ready' }, ...atOnce }),
        clients: clientGroup(client),
      }),
      { tmpBase: base },
    );
    expect(result.failures).toEqual([]);
    expect(result.warnings).toEqual([{ code: 'EVENT_MALFORMED', message: 'server: event channel line is not JSON: this is not json' }]);
    const ready = record.timeline.find((e) => e.peer === 'server' && e.ev === 'ready');
    expect(typeof ready?.t).toBe('number');
    const order = record.timeline.map((e) => (e.peer === 'harness' ? `${e.ev}:${e.target}` : `${e.peer}:${e.ev}`));
    expect(order.indexOf('server:ready')).toBeLessThan(order.indexOf('spawn:client'));
  });

  const silent = (ready: Parameters<typeof runPeer>[1]) => makeScenario({ server: runPeer([node, fixture('silent.cjs')], ready), clients: clientGroup(client) });

  it('socket: names the path and the time waited when nothing accepts', async () => {
    const { result, plan, record } = await runHandMade(silent({ ready: { kind: 'socket' } }), { tmpBase: base, readyTimeout: 400, graceMs: 300 });
    expect(result.failures).toEqual([
      {
        code: 'NOT_READY',
        peer: 'server',
        message: `server: socket ${plan.socket.path} not accepting after 400 ms (last attempt: ENOENT); not started: client`,
      },
    ]);
    expect(record.peers[0]).toMatchObject({ killedByHarness: true, stoppedBy: 'not-ready' });
    expect(readdirSync(base)).toEqual([]);
  });

  it('stdout: names the pattern when it never appears', async () => {
    const { result } = await runHandMade(silent({ ready: { kind: 'stdout', pattern: 'listening' } }), { tmpBase: base, readyTimeout: 300, graceMs: 300 });
    expect(result.failures.map((f) => f.message)).toEqual(['server: stdout did not match /listening/ after 300 ms; not started: client']);
  });

  it('event: names the event when it never comes', async () => {
    const { result } = await runHandMade(silent({ ready: { kind: 'event', event: 'ready' } }), { tmpBase: base, readyTimeout: 300, graceMs: 300 });
    expect(result.failures.map((f) => f.message)).toEqual(['server: no "ready" event after 300 ms; not started: client']);
  });

  it('says so when the server ends before it is ready', async () => {
    const { result } = await runHandMade(
      makeScenario({ server: runPeer([node, '-e', 'process.exit(7)']), clients: clientGroup(client) }),
      { tmpBase: base },
    );
    expect(result.failures).toEqual([
      { code: 'NOT_READY', peer: 'server', message: expect.stringMatching(/^server exited with code 7 before it was ready \(waited for socket \/.*\/s\.sock\); not started: client$/) },
      { code: 'EXIT_MISMATCH', peer: 'server', message: 'server exited with code 7, expected 0' },
    ]);
  });
});

describe('server readiness for datagram sockets', () => {
  const built = existsSync(path.join(repoRoot, 'build', 'Release', 'uds_fixture.node'));
  // Linux reads the kernel's socket table (a bound datagram socket is listed); elsewhere the probe
  // is a datagram connect() through the native layer, which succeeds once the path is bound.
  const how = process.platform === 'linux' ? 'seen bound in /proc/net/unix' : 'a connected datagram probe through the native layer';
  (built ? it : it.skip)(`socket: ready once bound, ${how}${built ? '' : ' (skipped: the addon is not built; npm run install)'}`, async () => {
    const server = runPeer([node, childScript('__tests__/run/fixtures/dgram-server.ts'), '${socket}'], atOnce);
    const s = makeScenario({ socket: { type: 'dgram', address: 'path' }, server, clients: clientGroup(runPeer([node, '-e', '0'])) });
    const { result, record } = await runHandMade(s, { tmpBase: base, readyTimeout: 5_000 });
    expect(result.failures).toEqual([]);
    const order = record.timeline.filter((e) => e.peer === 'harness').map((e) => `${e.ev}:${e.target ?? ''}`);
    expect(order.slice(0, 3)).toEqual(['spawn:server', 'ready:server', 'spawn:client']);
    expect(record.leftoverSockets).toEqual([]);
  });
});

// On Linux the `socket` probe reads /proc/net/unix and never connects: a server that accepts exactly
// one connection (python3 here) gets its real client, not the probe. Elsewhere the probe connects,
// which is why the README sends such servers to `ready: { stdout }` there.
describe('the Linux readiness probe never connects', () => {
  const oneShot = [
    'import os, socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
    's.bind(sys.argv[1]); s.listen(8)',
    'c, _ = s.accept()',
    'got = b""',
    'while True:',
    '    chunk = c.recv(4096)',
    '    if not chunk: break',
    '    got += chunk',
    'c.sendall(got); c.close(); s.close(); os.unlink(sys.argv[1])',
    'print("served one connection:", got.decode(), flush=True)',
  ].join('\n');
  (process.platform === 'linux' ? it : it.skip)(
    `socket: a server that accepts exactly one connection serves the real client${process.platform === 'linux' ? '' : ' (skipped: only Linux has a socket table to read; elsewhere the probe connects)'}`,
    async () => {
      const server = runPeer(['python3', '-c', oneShot, '${socket}']);
      const { result, record } = await runHandMade(makeScenario({ server, clients: clientGroup(client) }), { tmpBase: base, readyTimeout: 5_000 });
      expect(result.failures).toEqual([]);
      expect(record.peers[0]!.stdout).toBe('served one connection: ping\n');
      expect(record.peers[1]!.stdout).toBe('echoed: ping\n');
    },
  );
});
