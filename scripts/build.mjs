// Builds dist/: one CommonJS bundle of the whole runtime (dist/runtime.cjs: the implementation and
// its ESM-only dependencies such as execa, bundled in, so Jest's CommonJS registry never has to
// require() an ES module), thin faces that load it (the API, the command, the Jest, Vitest and
// node:test faces), thin ESM wrappers (one implementation, no dual-package hazard), the scripted
// peer program (a process of its own, so a bundle of its own), type declarations, and the JSON
// Schema that `uds-fixture schema` prints. No source maps: the bundles are not minified, so stack
// traces read as the source does, and maps would triple the package's size.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // Test frameworks must be the consumer's own, never a bundled copy; esbuild (for TypeScript
  // module peers) is an optional peer dependency, loaded only when such a peer runs.
  external: ['@jest/globals', 'jest', 'expect', 'vitest', 'esbuild'],
  // Some bundled ES modules read import.meta.url (to build a require()); in a CommonJS bundle it
  // is this file's URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** Faces import the runtime as `../runtime`; in dist that is the shared bundle, not a copy. */
const sharedRuntime = {
  name: 'shared-runtime',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/runtime(\.js)?$/ }, () => ({ path: './runtime.cjs', external: true }));
  },
};

const face = (entry, out, extra = {}) =>
  build({ ...common, entryPoints: [path.join(root, entry)], outfile: path.join(dist, out), plugins: [sharedRuntime], define: undefined, banner: undefined, ...extra });

await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'src/runtime.ts')], outfile: path.join(dist, 'runtime.cjs') }),
  build({ ...common, entryPoints: [path.join(root, 'src/peer/main.ts')], outfile: path.join(dist, 'peer.cjs') }),
  face('src/jest/index.ts', 'jest.cjs'),
  face('src/node-test/index.ts', 'node-test.cjs'),
  // Vitest loads test dependencies as ES modules, and is ESM-only itself.
  face('src/vitest/index.mts', 'vitest.mjs', { format: 'esm' }),
  face('src/bin/uds-fixture.ts', 'cli.cjs', { banner: { js: '#!/usr/bin/env node' } }),
  // Only this repository's tests use it (jest.config.ts maps execa to it); it is not shipped.
  build({ ...common, entryPoints: [require.resolve('execa')], outfile: path.join(dist, 'vendor/execa.cjs') }),
]);
// npm links the bin to dist/cli.cjs and the build recreates dist/: without this, the command
// would lose its exec bit with every rebuild (`npx uds-fixture` after `npm test`: Permission denied).
chmodSync(path.join(dist, 'cli.cjs'), 0o755);

/** The names an entry exports, from an ESM analysis of its source (never by loading it). */
async function exportNames(entry) {
  const result = await build({ ...common, format: 'esm', entryPoints: [path.join(root, entry)], write: false, metafile: true, outdir: dist, banner: undefined, define: undefined, plugins: [sharedRuntime] });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  return output.exports.filter((n) => n !== 'default');
}

// The API face: exactly the names of src/index.ts, taken from the shared runtime.
const apiNames = await exportNames('src/index.ts');
writeFileSync(
  path.join(dist, 'index.cjs'),
  `'use strict';\n// The public API (src/index.ts), served by the shared runtime bundle.\nconst runtime = require('./runtime.cjs');\nmodule.exports = {\n${apiNames.map((n) => `  ${n}: runtime.${n},`).join('\n')}\n};\n`,
);
// ESM faces: re-export the CommonJS face's named exports.
for (const [entry, cjs, mjs] of [
  ['src/index.ts', 'index.cjs', 'index.mjs'],
  ['src/jest/index.ts', 'jest.cjs', 'jest.mjs'],
  ['src/node-test/index.ts', 'node-test.cjs', 'node-test.mjs'],
]) {
  const names = entry === 'src/index.ts' ? apiNames : await exportNames(entry);
  writeFileSync(path.join(dist, mjs), `import cjs from './${cjs}';\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs;\n`);
}

const api = require(path.join(dist, 'index.cjs'));
writeFileSync(path.join(dist, 'scenario.schema.json'), JSON.stringify(api.scenarioJsonSchema, null, 2) + '\n');

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
