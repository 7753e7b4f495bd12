// The receiver's tally (native/tally.cc) is plain C++ with tests of its own
// (native/test/tally_test.cc): built here with the machine's C++ compiler and run as a program.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CXX = process.env.CXX ?? 'c++';
const hasCompiler = spawnSync(CXX, ['--version']).status === 0;
const itWithCompiler = hasCompiler ? it : it.skip;

itWithCompiler(`native/test/tally_test.cc passes (built with ${CXX}; skipped when there is no C++ compiler)`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'uds-tally-'));
  try {
    const program = path.join(dir, 'tally_test');
    const build = spawnSync(CXX, ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-o', program, 'native/test/tally_test.cc', 'native/tally.cc'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    const run = spawnSync(program, [], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\d+ checks, 0 failed\n$/);
    expect(run.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
