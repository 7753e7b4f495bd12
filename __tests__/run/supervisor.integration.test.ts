// The supervisor's own command line (native/supervise.c): what it refuses it refuses before
// starting anything, with status 125 and a line that says why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { supervisorPath } from '../../src/package/package-root';

const supervisor = supervisorPath();
const itBuilt = existsSync(supervisor) ? it : it.skip;

describe('uds-fixture-supervise WATCH_FD -- PROGRAM', () => {
  itBuilt.each([
    ['an empty WATCH_FD (which strtol would read as 0)', ''],
    ['a WATCH_FD that is not a number', 'three'],
    ['a WATCH_FD that is not open', '987'],
    ['a negative WATCH_FD', '-1'],
  ])('refuses %s', (_what, fd) => {
    const r = spawnSync(supervisor, [fd, '--', '/bin/sh', '-c', 'echo ran'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    expect(r.status).toBe(125);
    expect(r.stdout).toBe(''); // the program never ran
    expect(r.stderr).toContain(`WATCH_FD '${fd}' is not an open descriptor`);
  });

  itBuilt('refuses to start a program unless it leads its own process group (ending its group must not end its caller)', () => {
    // spawnSync starts it in this process's group: were it to run, a hang-up of its watch
    // descriptor would have it signal the whole group, this test runner included
    const r = spawnSync(supervisor, ['0', '--', '/bin/sh', '-c', 'echo ran'], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 10_000 });
    expect(r.status).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('leader of its own process group');
  });
});
