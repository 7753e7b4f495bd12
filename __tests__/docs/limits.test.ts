// One source for each limit C and TypeScript both enforce: native/limits.h. TypeScript reads it
// through src/limits/limits.generated.ts (scripts/gen-limits.mjs); the JSON schema states the limits
// from there. A value written out again elsewhere would drift apart from it unseen.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MAX_FDS_PER_MESSAGE, MAX_MESSAGE_BYTES, SUN_PATH_BYTES_DARWIN, SUN_PATH_BYTES_LINUX } from '../../src/limits/limits.generated';
import { scenarioJsonSchema } from '../../src/scenario/schema';

const ROOT = path.join(__dirname, '..', '..');

const SOURCES = new Set(['native/limits.h', 'src/limits/limits.generated.ts']);

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(ROOT, relative)).isDirectory()) return files(relative, pattern);
    return pattern.test(name) ? [relative] : [];
  });
}

/** The code of a C or TypeScript file without its comments (a limit named in prose is fine). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

test('src/limits/limits.generated.ts is what scripts/gen-limits.mjs makes of native/limits.h', () => {
  const check = spawnSync(process.execPath, ['scripts/gen-limits.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
  expect([MAX_FDS_PER_MESSAGE, MAX_MESSAGE_BYTES, SUN_PATH_BYTES_LINUX, SUN_PATH_BYTES_DARWIN]).toEqual([253, 16 * 1024 * 1024, 108, 104]);
});

test('no limit of native/limits.h is written out as a literal anywhere else in src/ or native/', () => {
  const literals = [
    { what: 'the descriptors per message', pattern: new RegExp(`\\b${MAX_FDS_PER_MESSAGE}\\b`) },
    { what: 'the message size limit', pattern: new RegExp(`\\b${MAX_MESSAGE_BYTES}\\b|\\b16\\s*\\*\\s*1024\\s*\\*\\s*1024\\b|\\b16u\\s*\\*\\s*1024u\\s*\\*\\s*1024u\\b|1\\s*<<\\s*24\\b`) },
    {
      what: 'the sun_path sizes',
      pattern: new RegExp(`\\b(${[SUN_PATH_BYTES_LINUX, SUN_PATH_BYTES_LINUX - 1, SUN_PATH_BYTES_DARWIN, SUN_PATH_BYTES_DARWIN - 1].join('|')})\\b`),
    },
  ];
  const found: string[] = [];
  for (const file of [...files('src', /\.ts$/), ...files('native', /\.(c|cc|h)$/)]) {
    if (SOURCES.has(file)) continue;
    const text = code(readFileSync(path.join(ROOT, file), 'utf8'));
    for (const { what, pattern } of literals) if (pattern.test(text)) found.push(`${file}: ${what}`);
  }
  expect(found).toEqual([]);
});

test('the JSON schema states the limits', () => {
  const text = JSON.stringify(scenarioJsonSchema);
  expect(text).toContain(`"maximum":${MAX_MESSAGE_BYTES}`);
  expect(text).toContain(`"maximum":${MAX_FDS_PER_MESSAGE}`);
});
