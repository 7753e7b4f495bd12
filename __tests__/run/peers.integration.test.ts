import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { PeerSpec } from '../../src/scenario/types';
import { clientGroup, makeScenario, runPeer } from '../plan/make-scenario';
import { fixture, gone, runHandMade } from './run-hand-made';

let base: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-run-');
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

const node = process.execPath;
// The echo server is a daemon: stopped as soon as its clients are done (`stop.after` 0) where the
// test is not about the planned stop's default wait (__tests__/run/lifecycle.integration.test.ts is).
const atOnce = { stop: { afterMs: 0, signal: 'SIGTERM' } };
const server = (mode?: string, extra: Partial<PeerSpec> = atOnce) => runPeer([node, fixture('echo-server.cjs'), '${socket}', ...(mode ? [mode] : [])], extra);
const client = (text: string) => runPeer([node, fixture('echo-client.cjs'), '${socket}', text]);

describe('executePlan with external peers', () => {
  it('runs an external server and clients, stops the server once the clients are done, and passes', async () => {
    const { record, result, plan } = await runHandMade(
      makeScenario({ server: server(undefined, {}), clients: clientGroup(client('hi'), 2), expect: { ...makeScenario().expect, stdout: { clients: '^echoed: hi$' } } }),
      { tmpBase: base },
    );
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
    expect(record.peers.map((p) => [p.id, p.exitCode, p.signal, p.stoppedBy ?? null])).toEqual([
      ['server', 0, null, 'planned-stop'],
      ['client-1', 0, null, null],
      ['client-2', 0, null, null],
    ]);
    expect(record.leftoverSockets).toEqual([]);
    const evs = record.timeline.filter((e) => e.peer === 'harness').map((e) => `${e.ev}:${e.target ?? ''}`);
    expect(evs.slice(0, 2)).toEqual(['spawn:server', 'ready:server']);
    expect(record.timeline.map((e) => e.t)).toEqual([...record.timeline.map((e) => e.t)].sort((a, b) => a - b));
    expect(existsSync(plan.dir)).toBe(false);
    expect(readdirSync(base)).toEqual([]);
  });

  it('names a crashed peer and its signal', async () => {
    const { result, record } = await runHandMade(
      makeScenario({ server: server(), clients: clientGroup(runPeer([node, fixture('crash.cjs'), 'SIGKILL'])) }),
      { tmpBase: base },
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      {
        code: 'PEER_CRASHED',
        peer: 'client',
        cause: 'SIGKILL',
        message: 'client was killed by SIGKILL (not declared; declare `exit: { client: SIGKILL }` if intended)',
      },
    ]);
    expect(record.peers[1]).toMatchObject({ id: 'client', signal: 'SIGKILL', killedByHarness: false, stderr: 'about to die by SIGKILL\n' });
    expect(readdirSync(base)).toEqual([]);
  });

  it('accepts a crash that is declared', async () => {
    const s = makeScenario({ server: server(), clients: clientGroup(runPeer([node, fixture('crash.cjs'), 'SIGTERM'])) });
    s.expect.exit = { client: { signal: 'SIGTERM' } };
    const { result } = await runHandMade(s, { tmpBase: base });
    expect(result.failures).toEqual([]);
  });

  it('kills a hung peer and its children at the run timeout, leaving no process of its group', async () => {
    const s = makeScenario({ server: runPeer([node, fixture('hang.cjs')], { ready: { kind: 'stdout', pattern: '"child"' } }), timeoutMs: 1_500 });
    const { result, record } = await runHandMade(s, { tmpBase: base, graceMs: 300 });
    const pids = JSON.parse(record.peers[0]!.stdout) as { pid: number; child: number };
    expect(record.timedOut).toBe(true);
    // The recorded pid is the supervisor's, which leads the group the program and its child are in.
    expect(record.peers[0]).toMatchObject({ id: 'server', killedByHarness: true, stoppedBy: 'timeout', signal: 'SIGKILL' });
    expect(result.failures).toEqual([
      {
        code: 'TIMEOUT',
        message:
          'the run exceeded its timeout of 1500 ms; still running and killed: server (it reported no event); raise `timeout:` if the scenario needs longer, or look at the timeline for the step that hung',
      },
    ]);
    expect(gone(pids.pid)).toBe(true);
    expect(gone(pids.child)).toBe(true);
    expect(gone(-record.peers[0]!.pid!)).toBe(true);
    const kills = record.timeline.filter((e) => e.ev === 'kill').map((e) => e.signal);
    expect(kills).toEqual(['SIGTERM', 'SIGKILL']);
    expect(readdirSync(base)).toEqual([]);
  });

  it('reports the socket file an external server never unlinks, and removes it anyway', async () => {
    const s = makeScenario({ server: server('keep-socket'), clients: clientGroup(client('x')) });
    const { result, record, plan } = await runHandMade(s, { tmpBase: base });
    expect(record.leftoverSockets).toEqual([{ name: 's.sock', owner: 'server', ownerStoppedBy: 'planned-stop' }]);
    expect(result.failures).toEqual([
      {
        code: 'LEFTOVER_SOCKET',
        peer: 'server',
        message: 'socket file s.sock was left in the run directory (expect: { leftoverSockets: fail }); a well-behaved server unlinks its socket on close',
      },
    ]);
    expect(existsSync(plan.dir)).toBe(false);

    s.expect.leftoverSockets = 'warn';
    const warned = await runHandMade(s, { tmpBase: base });
    expect(warned.result.passed).toBe(true);
    expect(warned.result.warnings.map((w) => w.code)).toEqual(['LEFTOVER_SOCKET']);

    s.expect.leftoverSockets = 'ignore';
    const ignored = await runHandMade(s, { tmpBase: base });
    expect(ignored.result.passed).toBe(true);
    expect(ignored.result.warnings).toEqual([]);
    expect(readdirSync(base)).toEqual([]);
  });

  it('reports a program that cannot be started, starts no client, and cleans up', async () => {
    const s = makeScenario({ server: runPeer(['/nonexistent/uds-fixture-server', '${socket}']), clients: clientGroup(client('x')) });
    const { result, record } = await runHandMade(s, { tmpBase: base });
    expect(result.failures).toEqual([
      {
        code: 'SPAWN_FAILED',
        peer: 'server',
        cause: 'ENOENT',
        message: expect.stringMatching(
          /^server could not be started \(\/nonexistent\/uds-fixture-server\): .*ENOENT.*; no such program or working directory; check `run:`, `cwd:` and PATH$/,
        ),
      },
    ]);
    expect(record.peers.map((p) => [p.id, p.started])).toEqual([
      ['server', false],
      ['client', false],
    ]);
    expect(readdirSync(base)).toEqual([]);
  });

  it('reports a client that cannot be started while the others run', async () => {
    const s = makeScenario({ server: server(), clients: clientGroup(runPeer(['./no-such-client']), 1) });
    const { result } = await runHandMade(s, { tmpBase: base });
    expect(result.failures.map((f) => [f.code, f.peer, f.cause])).toEqual([['SPAWN_FAILED', 'client', 'ENOENT']]);
    expect(readdirSync(base)).toEqual([]);
  });

  it('stops everything when aborted', async () => {
    const controller = new AbortController();
    const s = makeScenario({ server: runPeer([node, fixture('silent.cjs')], { ready: { kind: 'none' } }) });
    const { record } = await runHandMade(s, {
      tmpBase: base,
      signal: controller.signal,
      graceMs: 300,
      onEvent: (e) => e.ev === 'spawn' && controller.abort(),
    });
    expect(record.aborted).toBe(true);
    expect(record.peers[0]).toMatchObject({ killedByHarness: true, stoppedBy: 'aborted', signal: 'SIGTERM' });
    expect(gone(record.peers[0]!.pid!)).toBe(true);
    expect(readdirSync(base)).toEqual([]);
  });
});
