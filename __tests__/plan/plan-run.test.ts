import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { INHERITED_ENV_NAMES } from '../../src/plan/env';
import path from 'node:path';
import { planRun } from '../../src/plan/plan-run';
import { removeRunDir } from '../../src/plan/run-dir';
import type { PlanError } from '../../src/plan/errors';
import type { PlannedRun, RunPlan } from '../../src/plan/types';
import type { PeerLaunch } from '../../src/protocol/events';
import { clientGroup, makeScenario, runPeer, stepsPeer } from './make-scenario';

let base: string;
const made: string[] = [];

beforeEach(() => {
  // The real path: on macOS /tmp is a link, and run directories are named by their real path.
  base = realpathSync(mkdtempSync('/tmp/udsf-plan-'));
});
afterEach(async () => {
  for (const dir of made.splice(0)) await removeRunDir(dir);
  rmSync(base, { recursive: true, force: true });
});

async function plan(...args: Parameters<typeof planRun>): Promise<PlannedRun> {
  const p: RunPlan = await planRun(...args);
  if (p.kind !== 'run') throw new Error(`skipped: ${p.reason}`);
  made.push(p.dir);
  return p;
}

const echo = runPeer([process.execPath, 'server.js', '${socket}'], { env: { SOCK: '${socket}' }, cwd: '${dir}' });

describe('planRun', () => {
  it('makes a private run directory with an owner file, short socket paths and the declared files', async () => {
    const scenario = makeScenario({
      server: { ...echo, env: { LOG: '${files.log}' } },
      clients: clientGroup(runPeer(['./client.sh', '--to', '${socket}']), 2),
      files: { log: { bytes: Buffer.from('line one\n'), mode: 0o640 } },
      baseDir: '/srv/scenarios',
    });
    const p = await plan(scenario, { tmpBase: base });

    expect(path.dirname(p.dir)).toBe(base);
    expect(path.basename(p.dir)).toMatch(new RegExp(`^r-${process.pid.toString(36)}-[A-Za-z0-9]{6}$`));
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    const owner = JSON.parse(readFileSync(path.join(p.dir, '.owner'), 'utf8'));
    expect(owner.pid).toBe(process.pid);
    expect(typeof owner.startedAt).toBe('number');

    expect(p.socket).toEqual({ type: 'stream', address: 'path', path: path.join(p.dir, 's.sock') });
    expect(readFileSync(p.files.log!, 'utf8')).toBe('line one\n');
    expect(statSync(p.files.log!).mode & 0o777).toBe(0o640);

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

  it('gives a run: server the default planned stop, a run: client one only when declared, and scripted peers none', async () => {
    const stopped = (s: Parameters<typeof makeScenario>[0], graceMs?: number) =>
      plan(makeScenario(s), { tmpBase: base, ...(graceMs !== undefined ? { graceMs } : {}) }).then((p) => p.peers.map((x) => [x.id, x.stop ?? null]));
    expect(await stopped({ server: echo, clients: clientGroup(runPeer(['./c'])) }, 700)).toEqual([
      ['server', { from: 'clients', afterMs: 2000, signal: 'SIGTERM', graceMs: 700 }],
      ['client', null],
    ]);
    expect(await stopped({ server: { ...echo, stop: { afterMs: 0, signal: 'SIGINT', graceMs: 50 } }, clients: clientGroup(runPeer(['./c'], { stop: { afterMs: 300, signal: 'SIGTERM' } })) })).toEqual([
      ['server', { from: 'clients', afterMs: 0, signal: 'SIGINT', graceMs: 50 }],
      ['client', { from: 'server', afterMs: 300, signal: 'SIGTERM', graceMs: 2000 }],
    ]);
    expect(await stopped({ server: stepsPeer([{ step: 'listen', backlog: 1 }] as never), clients: clientGroup(stepsPeer([{ step: 'connect' }])) })).toEqual([
      ['server', null],
      ['client', null],
    ]);
  });

  it('gives every peer the documented baseline of the harness environment, the declared env and the protocol variables', async () => {
    process.env.UDS_FIXTURE_TEST_MARK = 'not inherited';
    process.env.LC_UDS_FIXTURE_TEST = 'inherited';
    try {
      const p = await plan(makeScenario({ server: echo }), {
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

  it('writes the PeerLaunch of a scripted peer and runs it with node', async () => {
    const scenario = makeScenario({
      socket: { type: 'dgram', address: 'path' },
      server: stepsPeer([{ step: 'bind' }, { step: 'recv' }, { step: 'close', unlink: true }] as never),
      clients: clientGroup(stepsPeer([{ step: 'bind', path: 'mine.sock' }, { step: 'send', to: 'server' }] as never)),
      expect: { exit: {}, stdout: {}, stderr: {}, leftoverSockets: 'fail', fdLeaks: 'ignore', unreadData: 'fail' },
    });
    const p = await plan(scenario, { tmpBase: base, peerProgram: __filename });
    const [server, client] = p.peers;
    expect(server!.argv).toEqual([process.execPath, __filename, path.join(p.dir, '.peer-server.json')]);
    // a scripted server is ready at its bind event, not by a probe it would take for a client
    expect(server!.ready).toEqual({ kind: 'event', event: 'bind' });
    const launch = JSON.parse(readFileSync(client!.launchFile!, 'utf8')) as PeerLaunch;
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
    expect(statSync(client!.launchFile!).mode & 0o777).toBe(0o600);
  });

  it('refuses an overlong socket path with its length and the limit, and leaves nothing behind', async () => {
    const deep = path.join(base, 'x'.repeat(90));
    mkdirSync(deep);
    let err: PlanError | undefined;
    try {
      await plan(makeScenario({ server: echo }), { tmpBase: deep });
    } catch (e) {
      err = e as PlanError;
    }
    expect(err?.code).toBe('ERR_SOCKET_PATH_TOO_LONG');
    expect(err?.message).toMatch(new RegExp(`^socket path ${deep}/r-[^ ]+/s\\.sock is \\d+ bytes, longer than the ${process.platform === 'darwin' ? 103 : 107} bytes sun_path holds`));
    expect(readdirSync(deep)).toEqual([]);
  });

  it('reports an unknown variable and removes the run directory', async () => {
    const scenario = makeScenario({ server: runPeer(['prog', '${sokcet}']) });
    await expect(plan(scenario, { tmpBase: base })).rejects.toMatchObject({ code: 'ERR_UNKNOWN_VARIABLE', value: 'sokcet' });
    expect(readdirSync(base)).toEqual([]);
  });

  it('skips a scenario for another platform without creating anything', async () => {
    const other = process.platform === 'linux' ? 'darwin' : 'linux';
    const p = await planRun(makeScenario({ platforms: [other], server: echo }), { tmpBase: base });
    expect(p).toEqual({ kind: 'skip', scenarioName: 'hand-made', reason: `platforms: [${other}] does not include ${process.platform}` });
    expect(readdirSync(base)).toEqual([]);
  });

  it('takes the temp base from UDS_FIXTURE_TMPDIR and uses it as it is', async () => {
    const fromEnv = path.join(base, 'env-base');
    mkdirSync(fromEnv, { mode: 0o750 });
    chmodSync(fromEnv, 0o750);
    process.env.UDS_FIXTURE_TMPDIR = fromEnv;
    try {
      const p = await plan(makeScenario({ server: echo }));
      expect(path.dirname(p.dir)).toBe(fromEnv);
      expect(statSync(fromEnv).mode & 0o777).toBe(0o750);
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    } finally {
      delete process.env.UDS_FIXTURE_TMPDIR;
    }
  });

  // A base of another user: __tests__/reliability/temp-base.integration.test.ts (as root, or in a user namespace).
  it('checks a given temp base: it exists, is a directory, and is not world-writable without the sticky bit', async () => {
    const refused = (tmpBase: string) => plan(makeScenario({ server: echo }), { tmpBase });
    const missing = path.join(base, 'missing');
    await expect(refused(missing)).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', value: missing, message: expect.stringContaining('does not exist; create it (mkdir -m 700') });
    expect(existsSync(missing)).toBe(false);
    const file = path.join(base, 'a-file');
    writeFileSync(file, '');
    await expect(refused(file)).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', message: expect.stringContaining('is not a directory') });
    const open = path.join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    await expect(refused(open)).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', message: expect.stringContaining('writable by every user without the sticky bit (mode 777)') });
    expect(readdirSync(open)).toEqual([]);
    chmodSync(open, 0o1777);
    const p = await plan(makeScenario({ server: echo }), { tmpBase: open });
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
  });

  it('passes the socketpair end at fd 4 and offers ${fd}', async () => {
    const scenario = makeScenario({
      socket: { type: 'stream', address: 'pair' },
      server: runPeer(['srv', '--fd', '${fd}'], { ready: { kind: 'socket' } }),
      clients: clientGroup(runPeer(['cli', '${fd}'])),
    });
    const p = await plan(scenario, { tmpBase: base });
    expect(p.peers.map((x) => [x.argv, x.pairEnd, x.ready.kind, x.env.UDS_FIXTURE_SOCKET_FD, x.env.UDS_FIXTURE_SOCKET])).toEqual([
      [['srv', '--fd', '4'], 0, 'none', '4', ''],
      [['cli', '4'], 1, 'none', '4', ''],
    ]);
  });

  it('refuses a socketpair for more than two peers', async () => {
    const scenario = makeScenario({
      socket: { type: 'stream', address: 'pair' },
      server: echo,
      clients: clientGroup(runPeer(['cli']), 2),
    });
    await expect(planRun(scenario, { tmpBase: base })).rejects.toMatchObject({ code: 'ERR_PAIR_PEERS' });
  });
});
