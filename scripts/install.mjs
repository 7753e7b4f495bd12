// The package's install script. Where the package ships prebuilt native parts for this platform
// (prebuilds/<platform>-<arch>/, made by scripts/prebuild.mjs in CI), nothing is compiled and the
// install takes seconds without a compiler; otherwise the addon and the supervisor are built from
// the shipped sources with node-gyp (python3, make and a C/C++ compiler). The C fixture programs
// (fixtures/c, run by some shipped example scenarios) are built when a C compiler is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { libc, prebuildDir, SUPERVISOR } from './native-target.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function prebuiltFits() {
  // The supervisor is built against this platform's C library; musl systems build their own.
  if (libc() === 'musl' || !existsSync(path.join(prebuildDir(root), SUPERVISOR))) return false;
  try {
    const found = require('node-gyp-build').path(root);
    return found.startsWith(path.join(root, 'prebuilds') + path.sep);
  } catch {
    return false;
  }
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return r.error ? r.error.code ?? 'failed' : r.status;
}

if (prebuiltFits()) {
  console.log(`uds-fixture: using the prebuilt addon and supervisor for ${process.platform}-${process.arch}`);
} else {
  // npm puts its own node-gyp on the PATH of install scripts. `--jobs max`: one compiler per core
  // (the addon's sources build independently; serial builds took most of an install's time).
  const status = run('node-gyp', ['rebuild', '--jobs', 'max']);
  if (status !== 0) {
    console.error(
      `uds-fixture: no prebuilt native parts fit ${process.platform}-${process.arch}${libc() ? ` (${libc()})` : ''}, and building them failed (node-gyp: ${status}); ` +
        'install python3, make and a C/C++ compiler (Xcode command line tools on macOS) and run `npm rebuild uds-fixture`',
    );
    process.exit(1);
  }
}

const fixtures = run('make', ['-s', '-C', path.join('fixtures', 'c')]);
if (fixtures !== 0) {
  console.warn('uds-fixture: the C fixture programs (fixtures/c) were not built (no make or C compiler?); only the example scenarios that run them need them');
}
