import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeScenario, runPeer } from '../plan/make-scenario';
import { planRun } from '../../src/plan/plan-run';
import { newRunDirName } from '../../src/plan/run-base';
import type { PlannedRun } from '../../src/plan/types';
import { validateScenario } from '../../src/pipeline/validate';
import { makeRunDir } from '../../src/run/make-run-dir';
import { createRunDir, removeRunDir } from '../../src/run/run-dir';
import { repoRoot } from '../helpers/child-script';
import { reapStaleRunDirs } from '../../src/run/reaper';
import { gone, runHandMade } from './run-hand-made';

let base: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-dir-');
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

const reportDir =
  "const fs = require('fs'); const d = process.env.UDS_FIXTURE_DIR; " +
  "console.log(JSON.stringify({ dir: d, mode: (fs.statSync(d).mode & 0o777).toString(8), files: fs.readdirSync(d).sort() }))";

const distIndex = path.join(repoRoot, 'dist', 'index.cjs');

/**
 * A run directory whose owner is really dead: a harness process runs a scenario through the built
 * package (which makes the directory and its marker) and is SIGKILLed as its peer starts.
 */
function staleRunDir(tmpBase: string): string {
  const script =
    `const { planRun, executePlan, normalizeScenario } = require(${JSON.stringify(distIndex)});` +
    `const plan = planRun(normalizeScenario({ name: 'killed', client: { run: ['true'] } }, { baseDir: '/' }), { tmpBase: ${JSON.stringify(tmpBase)} });` +
    "void executePlan(plan, { onEvent: (e) => { if (e.ev === 'spawn') { process.stdout.write(plan.dir); process.kill(process.pid, 'SIGKILL'); } } });";
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.signal).toBe('SIGKILL');
  expect(existsSync(child.stdout)).toBe(true);
  expect(gone(child.pid)).toBe(true);
  return child.stdout;
}

/** The run's directory as the run makes it (before its peers start), for tests of the directory alone. */
async function madeRunDir(tmpBase?: string): Promise<PlannedRun> {
  const plan = planRun(makeScenario({ server: runPeer(['true']) }), tmpBase === undefined ? {} : { tmpBase });
  if (plan.kind !== 'run') throw new Error(plan.reason);
  await makeRunDir(plan);
  return plan;
}

/** A directory of the user's own with a file in it: never ours to remove. */
function usersDir(parent: string, name: string): string {
  const dir = path.join(parent, name);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(path.join(dir, 'precious.txt'), 'keep me');
  return dir;
}

describe('the run directory', () => {
  it('is 0700 while the run lasts and gone afterwards, leaving nothing in the base', async () => {
    const s = makeScenario({
      server: runPeer([process.execPath, '-e', reportDir], { ready: { kind: 'none' } }),
      files: { data: { bytes: Buffer.from('x') } },
    });
    const { record, result } = await runHandMade(s, { tmpBase: base });
    expect(result.failures).toEqual([]);
    const seen = JSON.parse(record.peers[0]!.stdout) as { dir: string; mode: string; files: string[] };
    expect(seen).toEqual({ dir: record.dir, mode: '700', files: ['.owner', 'data'] });
    expect(existsSync(record.dir)).toBe(false);
    expect(readdirSync(base)).toEqual([]);
  });

  it('sweeps run directories of dead owners as a run starts, keeps those of live ones, and never touches a directory without a valid marker', async () => {
    const stale = staleRunDir(base);
    const live = path.join(base, newRunDirName());
    await createRunDir(live);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(gone(dead)).toBe(true);
    // look-alikes: names a pid can be read from (a dead one), with the user's files in them
    const lookAlikes = [usersDir(base, 'r-data-demo'), usersDir(base, 'r-zz-keep2'), usersDir(base, `r-${dead.toString(36)}-stale2`)];
    // markers that are not valid: the old format naming a dead pid, one that does not parse,
    // a real one copied with its directory, a FIFO in its place (the sweep must not block on it)
    const oldFormat = usersDir(base, `r-${dead.toString(36)}-oldfmt`);
    writeFileSync(path.join(oldFormat, '.owner'), JSON.stringify({ pid: dead, startedAt: Date.now() }));
    const unparsable = usersDir(base, `r-${dead.toString(36)}-broken`);
    writeFileSync(path.join(unparsable, '.owner'), '{"tool":"uds-fixture",');
    const copied = usersDir(base, `r-${dead.toString(36)}-copied`);
    copyFileSync(path.join(stale, '.owner'), path.join(copied, '.owner'));
    const fifo = usersDir(base, `r-${dead.toString(36)}-fifo00`);
    expect(spawnSync('mkfifo', [path.join(fifo, '.owner')]).status).toBe(0);
    const foreign = usersDir(base, 'not-a-run-dir');

    // planning alone sweeps nothing: it makes and removes nothing
    expect(planRun(makeScenario({ server: runPeer(['true']) }), { tmpBase: base }).kind).toBe('run');
    expect(existsSync(stale)).toBe(true);
    const { result } = await runHandMade(makeScenario({ server: runPeer(['true'], { ready: { kind: 'none' } }) }), { tmpBase: base });
    try {
      expect(result.failures).toEqual([]);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      for (const dir of [...lookAlikes, oldFormat, unparsable, copied, fifo, foreign]) expect(readFileSync(path.join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
    } finally {
      await removeRunDir(live);
    }
    expect(await reapStaleRunDirs(base)).toEqual([]);
  });

  const linuxOnly = process.platform === 'linux' ? it : it.skip; // macOS markers record no start time: a reused pid only delays the removal there
  linuxOnly('takes a live pid that started after the owner for a reused pid: the owner is gone (Linux)', async () => {
    const dir = path.join(base, newRunDirName());
    await createRunDir(dir);
    const marker = path.join(dir, '.owner');
    const owner = JSON.parse(readFileSync(marker, 'utf8')) as { pid: number; pidStart: string };
    expect(owner.pidStart).toMatch(/^\d+$/);
    // the parent is alive, but it is not the process that wrote this marker
    writeFileSync(marker, JSON.stringify({ ...owner, pid: process.ppid, pidStart: '1' }));
    expect(await reapStaleRunDirs(base)).toEqual([dir]);
    // while the same marker with the parent's real start time is kept
    const kept = path.join(base, newRunDirName());
    await createRunDir(kept);
    const keptMarker = path.join(kept, '.owner');
    const parentStart = readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
    writeFileSync(keptMarker, JSON.stringify({ ...JSON.parse(readFileSync(keptMarker, 'utf8')), pid: process.ppid, pidStart: parentStart }));
    expect(await reapStaleRunDirs(base)).toEqual([]);
    await removeRunDir(kept);
  });

  it.each([
    ['world-writable with the sticky bit, like /tmp', 0o1777],
    ['group-writable', 0o770],
  ])('in a given base that is not private (%s), runs live and are swept only in uds-fixture-<uid> inside it; the user\'s look-alike survives', async (_what, mode) => {
    const shared = path.join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, mode);
    const precious = usersDir(shared, 'r-data-demo');
    const own = path.join(shared, `uds-fixture-${process.getuid!()}`);
    const stale = staleRunDir(shared);
    expect(path.dirname(stale)).toBe(own);
    expect(statSync(own).mode & 0o777).toBe(0o700);

    const s = makeScenario({ server: runPeer([process.execPath, '-e', 'console.log(process.env.UDS_FIXTURE_DIR)'], { ready: { kind: 'none' } }) });
    const { record, result } = await runHandMade(s, { tmpBase: shared });
    expect(result.failures).toEqual([]);
    expect(path.dirname(record.peers[0]!.stdout.trim())).toBe(own);
    expect(readFileSync(path.join(precious, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(shared).sort()).toEqual(['r-data-demo', `uds-fixture-${process.getuid!()}`]);
    expect(readdirSync(own)).toEqual([]);
    // validate counts the same path a run uses
    expect(() => validateScenario(makeScenario({ server: runPeer(['true']) }), { tmpBase: shared })).not.toThrow();
    const planned = planRun(makeScenario({ server: runPeer(['true']) }), { tmpBase: shared });
    expect(planned.kind === 'run' && path.dirname(planned.dir)).toBe(own);
  });

  it('refuses a uds-fixture-<uid> in a shared base that is a symlink or a file, and follows nothing', async () => {
    const shared = path.join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const elsewhere = usersDir(base, 'elsewhere');
    const own = path.join(shared, `uds-fixture-${process.getuid!()}`);
    symlinkSync(elsewhere, own);
    const plan = () => madeRunDir(shared);
    await expect(plan()).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', value: own, message: expect.stringContaining('is not a directory (a symlink, or a file)') });
    expect(readdirSync(elsewhere)).toEqual(['precious.txt']);
    rmSync(own);
    writeFileSync(own, '');
    await expect(plan()).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', value: own, message: expect.stringContaining('is not a directory (a symlink, or a file)') });
  });
  it('is refused in a given temp base that is missing, not a directory, or world-writable without the sticky bit; nothing is made there', async () => {
    const refused = (tmpBase: string) => madeRunDir(tmpBase);
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
    const p = await madeRunDir(open);
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    await removeRunDir(p.dir);
  });

  const asRoot = process.getuid!() === 0 ? it : it.skip; // only root can hand a directory to another user
  asRoot('is refused in a given temp base of another user (needs root to set up)', async () => {
    const foreign = path.join(base, 'foreign');
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, 65534, 65534);
    await expect(madeRunDir(foreign)).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', message: expect.stringContaining('belongs to uid 65534') });
  });

  it('takes a private temp base from UDS_FIXTURE_TMPDIR and uses it as it is: its mode unchanged, the run directory 0700', async () => {
    const fromEnv = path.join(base, 'env-base');
    mkdirSync(fromEnv, { mode: 0o750 });
    chmodSync(fromEnv, 0o750);
    process.env.UDS_FIXTURE_TMPDIR = fromEnv;
    try {
      const p = await madeRunDir();
      expect(path.dirname(p.dir)).toBe(fromEnv);
      expect(statSync(fromEnv).mode & 0o777).toBe(0o750);
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
      await removeRunDir(p.dir);
    } finally {
      delete process.env.UDS_FIXTURE_TMPDIR;
    }
  });

  it('is never made over an entry already at the planned path, which is left alone', async () => {
    const plan = planRun(makeScenario({ server: runPeer(['true']) }), { tmpBase: base });
    if (plan.kind !== 'run') throw new Error(plan.reason);
    mkdirSync(plan.dir, { mode: 0o700 });
    writeFileSync(path.join(plan.dir, 'precious.txt'), 'keep me');
    await expect(makeRunDir(plan)).rejects.toMatchObject({ code: 'ERR_RUN_DIR_EXISTS', value: plan.dir });
    expect(readdirSync(plan.dir)).toEqual(['precious.txt']);
  });

  it('is refused when the temp base resolves elsewhere at run time than when the run was planned', async () => {
    const first = path.join(base, 'first');
    const second = path.join(base, 'second');
    mkdirSync(first, { mode: 0o700 });
    mkdirSync(second, { mode: 0o700 });
    const link = path.join(base, 'link');
    symlinkSync(first, link);
    const plan = planRun(makeScenario({ server: runPeer(['true']) }), { tmpBase: link });
    if (plan.kind !== 'run') throw new Error(plan.reason);
    expect(path.dirname(plan.dir)).toBe(realpathSync(first));
    rmSync(link);
    symlinkSync(second, link);
    await expect(makeRunDir(plan)).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', message: expect.stringContaining('plan the run again') });
    expect(readdirSync(first)).toEqual([]);
    expect(readdirSync(second)).toEqual([]);
  });
});
