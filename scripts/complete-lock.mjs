// Completes package-lock.json with the platform binaries that an optional dependency lists but the
// registry this lock was made against does not serve (it mirrors only some platforms, so npm
// leaves them out, and `npm ci` then refuses the lock as out of sync — on every platform).
// Each added entry carries the os/cpu/libc its name states, so npm skips it on other platforms
// and fetches it where it belongs (macOS CI, for instance). Run after any lock update:
//   npm install --package-lock-only && node scripts/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LIBC = { gnu: 'glibc', gnueabihf: 'glibc', musl: 'musl', musleabihf: 'musl' };

/** `resolver-binding-linux-arm-gnueabihf` → { os: linux, cpu: arm, libc: glibc } */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  for (let i = 0; i < parts.length - 1; i++) {
    const [os, cpu, abi] = parts.slice(i);
    if (['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd', 'openbsd'].includes(os)) {
      return { os: [os], cpu: [cpu], ...(LIBC[abi] ? { libc: [LIBC[abi]] } : {}) };
    }
    if (os === 'wasm32') return { cpu: ['wasm32'] };
  }
  return undefined;
}

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `${key ? key + '/' : ''}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[where] || lock.packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) throw new Error(`${dep} (optional dependency of ${key}) is missing from the lock and its platform cannot be told from its name`);
    // Keys in the order npm itself writes them, so that a later `npm install` leaves the lock as it is.
    lock.packages[hoisted] = {
      version,
      cpu: platform.cpu,
      ...(entry.dev ? { dev: true } : {}),
      ...(platform.libc ? { libc: platform.libc } : {}),
      optional: true,
      ...(platform.os ? { os: platform.os } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lock: added ${added} platform entries`);
