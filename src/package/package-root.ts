import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error';

const PACKAGE_NAME = 'uds-fixture';
let cached: string | undefined;

/** The nearest directory at or above `start` whose package.json is named "uds-fixture", if any. */
export function findPackageRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // an unreadable package.json on the way up is not ours: keep walking up
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The directory of uds-fixture's package.json, found by walking up from this module: the same
 * code runs from src/ (tests), dist/ (bundled) and node_modules/uds-fixture/dist (installed).
 */
export function packageRoot(): string {
  cached ??= findPackageRoot(__dirname);
  if (cached === undefined) {
    throw new HarnessError('ERR_PACKAGE_ROOT_NOT_FOUND', __dirname, `cannot find the package.json of ${PACKAGE_NAME} above ${__dirname}; reinstall the package`);
  }
  return cached;
}

/** The version in uds-fixture's own package.json (`uds-fixture --version`). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/** The bundled scripted peer program. */
export function peerProgramPath(): string {
  return path.join(packageRoot(), 'dist', 'peer.cjs');
}

/**
 * The supervisor executable every peer runs under (native/supervise.c): the one node-gyp built
 * here, else the prebuilt one for this platform and architecture (it is plain C and libc-neutral
 * enough to ship per platform-arch); the built path when neither exists, for the error that names it.
 */
export function supervisorPath(): string {
  const built = path.join(packageRoot(), 'build', 'Release', SUPERVISOR);
  if (existsSync(built)) return built;
  const prebuilt = path.join(packageRoot(), 'prebuilds', `${process.platform}-${process.arch}`, SUPERVISOR);
  return existsSync(prebuilt) ? prebuilt : built;
}

const SUPERVISOR = 'uds-fixture-supervise';
