// Copies this machine's build (build/Release: the addon and the supervisor) into a package's
// prebuilds/<platform>-<arch>/, named for node-gyp-build, so that the package installs without a
// compiler on machines like this one. CI runs it on each platform of its matrix and packs the
// results together (.github/workflows/ci.yml). Usage: node scripts/prebuild.mjs [PACKAGE_DIR]
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prebuildDir, prebuiltAddonName, SUPERVISOR } from './native-target.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.resolve(process.argv[2] ?? root);
const built = path.join(root, 'build', 'Release');
for (const file of ['uds_fixture.node', SUPERVISOR]) {
  if (!existsSync(path.join(built, file))) {
    console.error(`prebuild: ${path.join(built, file)} is missing; build first (npm install, or node-gyp rebuild)`);
    process.exit(1);
  }
}
const dir = prebuildDir(target);
mkdirSync(dir, { recursive: true });
copyFileSync(path.join(built, 'uds_fixture.node'), path.join(dir, prebuiltAddonName()));
copyFileSync(path.join(built, SUPERVISOR), path.join(dir, SUPERVISOR));
chmodSync(path.join(dir, SUPERVISOR), 0o755);
console.log(`prebuild: ${path.relative(process.cwd(), dir) || dir}: ${prebuiltAddonName()}, ${SUPERVISOR}`);
