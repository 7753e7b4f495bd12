// Where this machine's prebuilt native parts live in the package: prebuilds/<platform>-<arch>/,
// named the way node-gyp-build matches them (Node-API, so one build serves every Node version;
// on Linux tagged with the C library, which a binary for glibc does not run without).
import path from 'node:path';

export function libc() {
  if (process.platform !== 'linux') return undefined;
  return process.report?.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
}

export function prebuildDir(root) {
  return path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
}

export function prebuiltAddonName() {
  const c = libc();
  return `uds_fixture.napi${c ? `.${c}` : ''}.node`;
}

export const SUPERVISOR = 'uds-fixture-supervise';
