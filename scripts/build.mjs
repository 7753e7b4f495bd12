// Builds dist/: one CommonJS bundle per entry point (execa and the other ESM-only dependencies are
// bundled in, so Jest's CommonJS registry never has to require() an ES module), thin ESM wrappers
// over those bundles (one implementation, no dual-package hazard), type declarations, and the JSON
// Schema that `uds-fixture schema` prints.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
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
  sourcemap: 'linked',
  logLevel: 'warning',
  // Jest's own packages must come from the consumer's Jest, never a bundled copy.
  // esbuild runs its own binary from its package (the scripted peer uses it to load TypeScript
  // module peers), so it stays a real dependency.
  external: ['@jest/globals', 'jest', 'expect', 'esbuild'],
  // Some bundled ES modules read import.meta.url (to build a require()); in a CommonJS bundle it
  // is this file's URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const entries = [
  { in: 'src/index.ts', out: 'index.cjs', esm: 'index.mjs' },
  { in: 'src/jest/index.ts', out: 'jest.cjs', esm: 'jest.mjs' },
  { in: 'src/cli/main.ts', out: 'cli.cjs', banner: '#!/usr/bin/env node' },
  { in: 'src/peer/main.ts', out: 'peer.cjs' },
];

await Promise.all([
  build({ ...common, entryPoints: [require.resolve('execa')], outfile: path.join(dist, 'vendor/execa.cjs'), sourcemap: false }),
  ...entries
    .filter((e) => existsSync(path.join(root, e.in)))
    .map((e) =>
      build({
        ...common,
        entryPoints: [path.join(root, e.in)],
        outfile: path.join(dist, e.out),
        banner: { js: [e.banner, common.banner.js].filter(Boolean).join('\n') },
      }),
    ),
]);

// The build deletes dist/, so the bin npm linked (node_modules/.bin/uds-fixture → dist/cli.cjs)
// would lose its exec bit with every rebuild: `npx uds-fixture` after `npm test` would fail with
// "Permission denied". Entries with a #! banner are commands: make them executable.
for (const e of entries.filter((x) => x.banner?.startsWith('#!'))) chmodSync(path.join(dist, e.out), 0o755);

// ESM faces: re-export the CommonJS bundle's named exports. The names come from an ESM analysis of
// the same entry (not from require(): the Jest entry may only be loaded inside Jest).
async function exportNames(entry) {
  const result = await build({ ...common, format: 'esm', entryPoints: [entry], write: false, metafile: true, outdir: dist, sourcemap: false, banner: undefined, define: undefined });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  return output.exports.filter((n) => n !== 'default');
}
for (const e of entries.filter((x) => x.esm && existsSync(path.join(dist, x.out)))) {
  const names = await exportNames(path.join(root, e.in));
  writeFileSync(
    path.join(dist, e.esm),
    `import cjs from './${e.out}';\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs;\n`,
  );
}

const api = require(path.join(dist, 'index.cjs'));
if (api.scenarioJsonSchema) {
  writeFileSync(path.join(dist, 'scenario.schema.json'), JSON.stringify(api.scenarioJsonSchema, null, 2) + '\n');
}

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
