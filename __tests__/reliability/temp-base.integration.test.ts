// The temp base promises of the README (Security, Private directories), through the CLI as a user
// runs it: the private `uds-fixture-<uid>` directory inside a shared base loses group/other write
// bits and is refused when it belongs to another user; a given base of another user is refused.
// The other-user cases need a directory owned by someone else: root makes one with chown; any
// other user can, where the kernel allows unprivileged user namespaces, see one from inside
// `unshare -r` (every uid but its own shows as the overflow uid 65534 there). Where neither is
// possible the test is skipped with that reason in its title. (The symlink refusal and the sweep
// of shared bases are in __tests__/run/run-dir.integration.test.ts.)
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';

const cli = path.join(repoRoot, 'dist', 'cli.cjs');
const isRoot = process.getuid!() === 0;
/** A directory of real root's that the user-namespace case can show as foreign (it must be root's). */
const ROOTS_DIR = '/usr';
const userns =
  !isRoot && process.platform === 'linux' && spawnSync('unshare', ['-r', '-m', 'true']).status === 0 && statSync(ROOTS_DIR).uid === 0;
const otherUser = isRoot || userns;
const itOtherUser = otherUser ? it : it.skip;
const whyNot = otherUser ? '' : ' (skipped: needs root, or unprivileged user namespaces (`unshare -r -m`) to see a directory of another user)';

let work: string;
let shared: string;
let scenario: string;
beforeEach(() => {
  work = mkdtempSync('/tmp/udsf-tmpbase-');
  chmodSync(work, 0o755); // the user-namespace child must reach it
  shared = path.join(work, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777); // a base others can write to, like /tmp: runs live in uds-fixture-<uid> inside it
  scenario = path.join(work, 'tiny.scenario.yaml');
  writeFileSync(scenario, 'name: tiny\nclient:\n  run: ["true"]\n');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function run(base: string, wrap: string[] = []) {
  const argv = [...wrap, process.execPath, cli, 'run', scenario];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000, env: { ...process.env, UDS_FIXTURE_TMPDIR: base, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the temp base', () => {
  it('a private uds-fixture-<uid> with group/other write bits loses them (and keeps the rest)', () => {
    const own = path.join(shared, `uds-fixture-${process.getuid!()}`);
    mkdirSync(own);
    chmodSync(own, 0o777);
    const r = run(shared);
    expect(r.out).toContain('1 passed, 0 failed');
    expect(r.status).toBe(0);
    expect(statSync(own).mode & 0o7777).toBe(0o755);
    expect(readdirSync(own)).toEqual([]);
  });

  itOtherUser(`a private uds-fixture-<uid> that belongs to another user is refused and left as it is${whyNot}`, () => {
    if (isRoot) {
      const own = path.join(shared, 'uds-fixture-0');
      mkdirSync(own, { mode: 0o700 });
      writeFileSync(path.join(own, 'theirs.txt'), 'not ours');
      chownSync(own, 65534, 65534);
      const r = run(shared);
      expect(r.out).toContain(`ERR_TMP_BASE_UNSAFE: temp base ${own} belongs to uid 65534, not to this user (uid 0)`);
      expect(r.status).toBe(2);
      expect(readdirSync(own)).toEqual(['theirs.txt']);
      expect(statSync(own).mode & 0o7777).toBe(0o700);
      return;
    }
    // Inside the namespace the user is uid 0, so its private directory is uds-fixture-0; root's
    // /usr bound there (in the namespace's own mount table, gone with it) shows as uid 65534.
    const script = `mkdir -p "$0/uds-fixture-0" && mount --rbind ${ROOTS_DIR} "$0/uds-fixture-0" && exec "$@"`;
    const r = run(shared, ['unshare', '-r', '-m', 'sh', '-c', script, shared]);
    expect(r.out).toContain(`ERR_TMP_BASE_UNSAFE: temp base ${path.join(shared, 'uds-fixture-0')} belongs to uid 65534, not to this user (uid 0)`);
    expect(r.status).toBe(2);
  });

  itOtherUser(`a given base that belongs to another user (not root) is refused${whyNot}`, () => {
    let base: string;
    let wrap: string[] = [];
    if (isRoot) {
      base = path.join(work, 'foreign');
      mkdirSync(base, { mode: 0o700 });
      chownSync(base, 65534, 65534);
    } else {
      // inside the namespace root's directories are nobody's: neither the user's (uid 0) nor root's
      base = ROOTS_DIR;
      wrap = ['unshare', '-r'];
    }
    const r = run(base, wrap);
    // uid 0 either way: root is, and the namespace maps the user to 0
    expect(r.out).toContain(`ERR_TMP_BASE_UNSAFE: temp base ${base} belongs to uid 65534, not to this user (uid 0) nor to root`);
    expect(r.status).toBe(2);
  });
});
