// Scripted peers run from the built dist/peer.cjs, and the CLI tests from dist/cli.cjs, not from
// src/: without this, `npx jest FILE` after an edit under src/ would test the old build. Rebuilds
// dist/ when any source is newer than it (`npm test` has just built, so it costs nothing there).
//
// It also makes a directory for what test files of one run share (the consumer files' packed
// package): workers are started after this and inherit its path; global-teardown.cjs removes it.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readdirSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

module.exports = async () => {
  process.env.UDS_FIXTURE_TEST_SHARED = mkdtempSync(path.join(tmpdir(), 'uds-fixture-jest-run-'));
  let built = 0;
  try {
    built = statSync(path.join(root, 'dist', 'peer.cjs')).mtimeMs;
  } catch {
    // not built yet
  }
  if (newestMtime(path.join(root, 'src')) > built) {
    process.stderr.write('\njest: src/ is newer than dist/: rebuilding (node scripts/build.mjs)\n');
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  }
};
