// Writes src/limits/limits.generated.ts from native/limits.h, the one source of the limits both C and
// TypeScript enforce. `--check` writes nothing and exits 1 when the file is not what it would write.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const HEADER = path.join(root, 'native', 'limits.h');
const OUTPUT = path.join(root, 'src', 'limits', 'limits.generated.ts');

/** The TypeScript text for the header's `#define UDS_LIMIT_<NAME> <value>` lines. */
export function generate(header) {
  const lines = ['// Generated from native/limits.h by scripts/gen-limits.mjs: edit the header, then run', '// `node scripts/gen-limits.mjs`. Do not edit.', ''];
  const pattern = /(\/\*\*[\s\S]*?\*\/)\s*#define UDS_LIMIT_(\w+) (.+)/g;
  for (const [, doc, name, expression] of header.matchAll(pattern)) {
    const factors = expression.replace(/[()]/g, '').split('*').map((f) => f.trim().replace(/u$/i, ''));
    if (!factors.every((f) => /^\d+$/.test(f))) throw new Error(`native/limits.h: UDS_LIMIT_${name} is not a number or a product of numbers: ${expression}`);
    const value = factors.reduce((product, f) => product * Number(f), 1);
    lines.push(doc.replace(/\n \*/g, '\n *'), `export const ${name} = ${value};`, '');
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generate(readFileSync(HEADER, 'utf8'));
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      console.error('src/limits/limits.generated.ts is stale: run node scripts/gen-limits.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
  }
}
