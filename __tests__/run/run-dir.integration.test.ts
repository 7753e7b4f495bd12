import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeScenario, runPeer } from '../plan/make-scenario';
import { checkPlan, planRun } from '../../src/plan/plan-run';
import { createRunDir, removeRunDir } from '../../src/plan/run-dir';
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
 * A run directory whose owner is really dead: a harness process plans a run through the built
 * package (which makes the directory and its marker) and is SIGKILLed before it can clean up.
 */
function staleRunDir(tmpBase: string): string {
  const script =
    `const { planRun, normalizeScenario } = require(${JSON.stringify(distIndex)});` +
    `planRun(normalizeScenario({ name: 'killed', client: { run: ['true'] } }, { baseDir: '/' }), { tmpBase: ${JSON.stringify(tmpBase)} })` +
    ".then((p) => { process.stdout.write(p.dir); process.kill(process.pid, 'SIGKILL'); });";
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.signal).toBe('SIGKILL');
  expect(existsSync(child.stdout)).toBe(true);
  expect(gone(child.pid)).toBe(true);
  return child.stdout;
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

  it('sweeps run directories of dead owners at plan time, keeps those of live ones, and never touches a directory without a valid marker', async () => {
    const stale = staleRunDir(base);
    const live = await createRunDir(base);
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

    const plan = await planRun(makeScenario({ server: runPeer(['true']) }), { tmpBase: base });
    try {
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      for (const dir of [...lookAlikes, oldFormat, unparsable, copied, fifo, foreign]) expect(readFileSync(path.join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
    } finally {
      if (plan.kind === 'run') await removeRunDir(plan.dir);
      await removeRunDir(live);
    }
    expect(await reapStaleRunDirs(base)).toEqual([]);
  });

  const linuxOnly = process.platform === 'linux' ? it : it.skip; // macOS markers record no start time: a reused pid only delays the removal there
  linuxOnly('takes a live pid that started after the owner for a reused pid: the owner is gone (Linux)', async () => {
    const dir = await createRunDir(base);
    const marker = path.join(dir, '.owner');
    const owner = JSON.parse(readFileSync(marker, 'utf8')) as { pid: number; pidStart: string };
    expect(owner.pidStart).toMatch(/^\d+$/);
    // the parent is alive, but it is not the process that wrote this marker
    writeFileSync(marker, JSON.stringify({ ...owner, pid: process.ppid, pidStart: '1' }));
    expect(await reapStaleRunDirs(base)).toEqual([dir]);
    // while the same marker with the parent's real start time is kept
    const kept = await createRunDir(base);
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
    expect(() => checkPlan(makeScenario({ server: runPeer(['true']) }), { tmpBase: shared })).not.toThrow();
  });

  it('refuses a uds-fixture-<uid> in a shared base that is a symlink or a file, and follows nothing', async () => {
    const shared = path.join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const elsewhere = usersDir(base, 'elsewhere');
    const own = path.join(shared, `uds-fixture-${process.getuid!()}`);
    symlinkSync(elsewhere, own);
    const plan = () => planRun(makeScenario({ server: runPeer(['true']) }), { tmpBase: shared });
    await expect(plan()).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', value: own, message: expect.stringContaining('is not a directory (a symlink, or a file)') });
    expect(readdirSync(elsewhere)).toEqual(['precious.txt']);
    rmSync(own);
    writeFileSync(own, '');
    await expect(plan()).rejects.toMatchObject({ code: 'ERR_TMP_BASE_UNSAFE', value: own, message: expect.stringContaining('is not a directory (a symlink, or a file)') });
  });
});
