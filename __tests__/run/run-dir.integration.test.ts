import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeScenario, runPeer } from '../plan/make-scenario';
import { planRun } from '../../src/plan/plan-run';
import { removeRunDir } from '../../src/plan/run-dir';
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

function ownedDir(pid: number, suffix: string): string {
  const dir = path.join(base, `r-${pid.toString(36)}-${suffix}`);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(path.join(dir, '.owner'), JSON.stringify({ pid, startedAt: Date.now() }));
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

  it('sweeps run directories of dead owners at plan time and keeps those of live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(gone(dead)).toBe(true);
    const stale = ownedDir(dead, 'stale1');
    // an owner file not yet written: the pid in the name decides
    const staleNoOwner = path.join(base, `r-${dead.toString(36)}-stale2`);
    mkdirSync(staleNoOwner);
    const live = ownedDir(process.ppid, 'alive1');
    const foreign = path.join(base, 'not-a-run-dir');
    mkdirSync(foreign);

    const plan = await planRun(makeScenario({ server: runPeer(['true']) }), { tmpBase: base });
    try {
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(staleNoOwner)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(foreign)).toBe(true);
    } finally {
      if (plan.kind === 'run') await removeRunDir(plan.dir);
    }
    expect(await reapStaleRunDirs(base)).toEqual([]);
  });
});
