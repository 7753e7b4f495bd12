// Child processes in tests run real code: a TypeScript entry is bundled (esbuild, ~20 ms) into a
// CommonJS file under build/test-children inside this checkout, so the bundled code finds the
// package root (and the native addon in build/Release) by walking up from its own directory. Not
// under node_modules/.cache: a node_modules linked from another checkout would put the bundle
// there, and the bundle would load that checkout's addon.
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const cacheDir = path.join(repoRoot, 'build', 'test-children');
const built = new Map<string, string>();

/** Bundle `entry` (absolute, or relative to the repository root) once per test file; returns the .cjs path. */
export function childScript(entry: string): string {
  const abs = path.resolve(repoRoot, entry);
  const cached = built.get(abs);
  if (cached) return cached;
  mkdirSync(cacheDir, { recursive: true });
  const rel = path.relative(repoRoot, abs).replace(/[\\/]/g, '__').replace(/\.ts$/, '');
  const outfile = path.join(cacheDir, `${rel}.${process.pid}.cjs`);
  buildSync({ entryPoints: [abs], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  built.set(abs, outfile);
  return outfile;
}

export { repoRoot };
