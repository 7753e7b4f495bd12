import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { INHERITED_ENV_NAMES } from '../../src/plan/env';
import path from 'node:path';
import { planRun } from '../../src/plan/plan-run';
import type { PlanError } from '../../src/plan/errors';
import type { PlannedRun, RunPlan } from '../../src/plan/types';
import type { PeerLaunch } from '../../src/protocol/events';
import { clientGroup, makeScenario, runPeer, stepsPeer } from './make-scenario';

let base: string;

beforeEach(() => {
  // The real path: on macOS /tmp is a link, and run directories are named by their real path.
  base = realpathSync(mkdtempSync('/tmp/udsf-plan-'));
});
afterEach(() => {
  // Planning makes nothing: the base is as the test left it (the run makes the directory:
  // __tests__/run/run-dir.integration.test.ts).
  try {
    expect(readdirSync(base).filter((n) => n.startsWith('r-'))).toEqual([]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

function plan(...args: Parameters<typeof planRun>): PlannedRun {
  const p: RunPlan = planRun(...args);
  if (p.kind !== 'run') throw new Error(`skipped: ${p.reason}`);
  expect(existsSync(p.dir)).toBe(false);
  return p;
}

const written = (p: PlannedRun, file: string): { text: string; mode: number } => {
  const w = p.writes.find((x) => x.path === file);
  if (!w) throw new Error(`${file} is not among the planned writes: ${p.writes.map((x) => x.path).join(', ')}`);
  return { text: Buffer.from(w.bytes).toString('utf8'), mode: w.mode };
};

const echo = runPeer([process.execPath, 'server.js', '${socket}'], { env: { SOCK: '${socket}' }, cwd: '${dir}' });

describe('planRun', () => {
  it('plans a run directory under the base, short socket paths and the declared files, and makes none of them', () => {
    const scenario = makeScenario({
      server: { ...echo, env: { LOG: '${files.log}' } },
      clients: clientGroup(runPeer(['./client.sh', '--to', '${socket}']), 2),
      files: { log: { bytes: Buffer.from('line one\n'), mode: 0o640 } },
      baseDir: '/srv/scenarios',
    });
    const p = plan(scenario, { tmpBase: base });

    expect(path.dirname(p.dir)).toBe(base);
    expect(path.basename(p.dir)).toMatch(new RegExp(`^r-${process.pid.toString(36)}-[A-Za-z0-9]{6}$`));
    expect(p.tmpBase).toBe(base);

    expect(p.socket).toEqual({ type: 'stream', address: 'path', path: path.join(p.dir, 's.sock') });
    expect(p.files.log).toBe(path.join(p.dir, 'log'));
    expect(written(p, p.files.log!)).toEqual({ text: 'line one\n', mode: 0o640 });
    expect(readdirSync(base)).toEqual([]);

    expect(p.peers.map((x) => [x.id, x.role, path.basename(x.ownPath)])).toEqual([
      ['server', 'server', 's.sock'],
      ['client-1', 'client', 'c1.sock'],
      ['client-2', 'client', 'c2.sock'],
    ]);
    const [server, client] = p.peers;
    expect(server!.argv).toEqual([process.execPath, 'server.js', p.socket.path]);
    expect(server!.cwd).toBe(p.dir);
    expect(server!.env.LOG).toBe(p.files.log);
    expect(server!.ready).toEqual({ kind: 'socket', type: 'stream', address: { path: p.socket.path } });
    expect(server!.readyTimeoutMs).toBe(10_000);
    // a program path with a slash resolves against the scenario's directory
    expect(client!.argv).toEqual(['/srv/scenarios/client.sh', '--to', p.socket.path]);
    expect(client!.cwd).toBe('/srv/scenarios');
    expect(client!.ready).toEqual({ kind: 'none' });
    expect(p.timeouts).toEqual({ runMs: 10_000, graceMs: 2_000 });
  });

  it('gives a run: server the default planned stop, a run: client one only when declared, and scripted peers none', () => {
    const stopped = (s: Parameters<typeof makeScenario>[0], graceMs?: number) =>
      plan(makeScenario(s), { tmpBase: base, ...(graceMs !== undefined ? { graceMs } : {}) }).peers.map((x) => [x.id, x.stop ?? null]);
    expect(stopped({ server: echo, clients: clientGroup(runPeer(['./c'])) }, 700)).toEqual([
      ['server', { from: 'clients', afterMs: 2000, signal: 'SIGTERM', graceMs: 700 }],
      ['client', null],
    ]);
    expect(stopped({ server: { ...echo, stop: { afterMs: 0, signal: 'SIGINT', graceMs: 50 } }, clients: clientGroup(runPeer(['./c'], { stop: { afterMs: 300, signal: 'SIGTERM' } })) })).toEqual([
      ['server', { from: 'clients', afterMs: 0, signal: 'SIGINT', graceMs: 50 }],
      ['client', { from: 'server', afterMs: 300, signal: 'SIGTERM', graceMs: 2000 }],
    ]);
    expect(stopped({ server: stepsPeer([{ step: 'listen', backlog: 1 }] as never), clients: clientGroup(stepsPeer([{ step: 'connect' }])) })).toEqual([
      ['server', null],
      ['client', null],
    ]);
  });

  it('gives every peer the documented baseline of the harness environment, the declared env and the protocol variables', () => {
    process.env.UDS_FIXTURE_TEST_MARK = 'not inherited';
    process.env.LC_UDS_FIXTURE_TEST = 'inherited';
    try {
      const p = plan(makeScenario({ server: echo }), {
        tmpBase: base,
        env: { EXTRA: 'x', SOCK: 'overridden by the declared env', UDS_FIXTURE_PEER: 'overridden by the harness' },
      });
      const env = p.peers[0]!.env;
      expect(env.UDS_FIXTURE_TEST_MARK).toBeUndefined();
      expect(env.LC_UDS_FIXTURE_TEST).toBe('inherited');
      expect(env.PATH).toBe(process.env.PATH);
      const allowed = new Set([...INHERITED_ENV_NAMES, 'EXTRA', 'SOCK']);
      expect(Object.keys(env).filter((k) => !allowed.has(k as never) && !k.startsWith('LC_') && !k.startsWith('UDS_FIXTURE_'))).toEqual([]);
      expect(env.EXTRA).toBe('x');
      expect(env.SOCK).toBe(p.socket.path);
      expect(env).toMatchObject({
        UDS_FIXTURE_EVENTS_FD: '3',
        UDS_FIXTURE_PROTOCOL: '1',
        UDS_FIXTURE_PEER: 'server',
        UDS_FIXTURE_SOCKET: p.socket.path,
        UDS_FIXTURE_SOCKET_TYPE: 'stream',
        UDS_FIXTURE_DIR: p.dir,
      });
      expect(env.UDS_FIXTURE_SOCKET_FD).toBeUndefined();
    } finally {
      delete process.env.UDS_FIXTURE_TEST_MARK;
      delete process.env.LC_UDS_FIXTURE_TEST;
    }
  });

  it('plans the PeerLaunch of a scripted peer (written 0600 by the run) and runs it with node', () => {
    const scenario = makeScenario({
      socket: { type: 'dgram', address: 'path' },
      server: stepsPeer([{ step: 'bind' }, { step: 'recv' }, { step: 'close', unlink: true }] as never),
      clients: clientGroup(stepsPeer([{ step: 'bind', path: 'mine.sock' }, { step: 'send', to: 'server' }] as never)),
      expect: { exit: {}, stdout: {}, stderr: {}, leftoverSockets: 'fail', fdLeaks: 'ignore', unreadData: 'fail' },
    });
    const p = plan(scenario, { tmpBase: base, peerProgram: __filename });
    const [server, client] = p.peers;
    expect(server!.argv).toEqual([process.execPath, __filename, path.join(p.dir, '.peer-server.json')]);
    // a scripted server is ready at its bind event, not by a probe it would take for a client
    expect(server!.ready).toEqual({ kind: 'event', event: 'bind' });
    const launchFile = written(p, client!.launchFile!);
    expect(launchFile.mode).toBe(0o600);
    const launch = JSON.parse(launchFile.text) as PeerLaunch;
    expect(launch).toMatchObject({
      protocol: 1,
      id: 'client',
      role: 'client',
      socket: { type: 'dgram', address: 'path', path: p.socket.path },
      dir: p.dir,
      ownPath: path.join(p.dir, 'c1.sock'),
      peerPaths: { server: path.join(p.dir, 's.sock'), client: path.join(p.dir, 'c1.sock') },
      fdAccounting: false,
    });
    expect(launch.steps[0]).toMatchObject({ step: 'bind', path: path.join(p.dir, 'mine.sock') });
    expect(launch.steps[1]).toMatchObject({ step: 'send', to: 'server' });
  });

  it('refuses an overlong socket path with its length and the limit', () => {
    const deep = path.join(base, 'x'.repeat(90));
    mkdirSync(deep);
    let err: PlanError | undefined;
    try {
      plan(makeScenario({ server: echo }), { tmpBase: deep });
    } catch (e) {
      err = e as PlanError;
    }
    expect(err?.code).toBe('ERR_SOCKET_PATH_TOO_LONG');
    expect(err?.message).toMatch(new RegExp(`^socket path ${deep}/r-[^ ]+/s\\.sock is \\d+ bytes, longer than the ${process.platform === 'darwin' ? 103 : 107} bytes sun_path holds`));
    expect(readdirSync(deep)).toEqual([]);
  });

  it('reports an unknown variable', () => {
    const scenario = makeScenario({ server: runPeer(['prog', '${sokcet}']) });
    expect(() => plan(scenario, { tmpBase: base })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_VARIABLE', value: 'sokcet' }));
  });

  it('skips a scenario for another platform', () => {
    const other = process.platform === 'linux' ? 'darwin' : 'linux';
    const p = planRun(makeScenario({ platforms: [other], server: echo }), { tmpBase: base });
    expect(p).toEqual({ kind: 'skip', scenarioName: 'hand-made', reason: `platforms: [${other}] does not include ${process.platform}` });
    expect(readdirSync(base)).toEqual([]);
  });

  it('takes the temp base from UDS_FIXTURE_TMPDIR', () => {
    const fromEnv = path.join(base, 'env-base');
    mkdirSync(fromEnv, { mode: 0o750 });
    chmodSync(fromEnv, 0o750);
    process.env.UDS_FIXTURE_TMPDIR = fromEnv;
    try {
      const p = plan(makeScenario({ server: echo }));
      expect(path.dirname(p.dir)).toBe(fromEnv);
      expect(p.tmpBase).toBeUndefined();
    } finally {
      delete process.env.UDS_FIXTURE_TMPDIR;
    }
  });

  it('passes the socketpair end at fd 4 and offers ${fd}', () => {
    const scenario = makeScenario({
      socket: { type: 'stream', address: 'pair' },
      server: runPeer(['srv', '--fd', '${fd}'], { ready: { kind: 'socket' } }),
      clients: clientGroup(runPeer(['cli', '${fd}'])),
    });
    const p = plan(scenario, { tmpBase: base });
    expect(p.peers.map((x) => [x.argv, x.pairEnd, x.ready.kind, x.env.UDS_FIXTURE_SOCKET_FD, x.env.UDS_FIXTURE_SOCKET])).toEqual([
      [['srv', '--fd', '4'], 0, 'none', '4', ''],
      [['cli', '4'], 1, 'none', '4', ''],
    ]);
  });

  it('refuses a socketpair for more than two peers', () => {
    const scenario = makeScenario({
      socket: { type: 'stream', address: 'pair' },
      server: echo,
      clients: clientGroup(runPeer(['cli']), 2),
    });
    expect(() => planRun(scenario, { tmpBase: base })).toThrow(expect.objectContaining({ code: 'ERR_PAIR_PEERS' }));
  });
});
