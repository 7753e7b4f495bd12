// Writes `count` scenario files under `dir` for load runs: copies of the shipped basic and fault
// scenarios (with the module peers they use), each with a name of its own. CommonJS, so that
// scripts/soak.mjs and the Jest suite can both load it.
const { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const SOURCES = ['fixtures/basics', 'fixtures/faults'];

function writeLoadScenarios(dir, count) {
  const templates = SOURCES.flatMap((src) =>
    readdirSync(path.join(root, src))
      .filter((n) => n.endsWith('.scenario.yaml'))
      .map((n) => ({ src, name: n, text: readFileSync(path.join(root, src, n), 'utf8') })),
  );
  for (const src of SOURCES) cpSync(path.join(root, src, 'peers'), path.join(dir, path.basename(src), 'peers'), { recursive: true });
  const files = [];
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length];
    const file = path.join(dir, path.basename(t.src), `${String(i).padStart(4, '0')}-${t.name}`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, t.text.replace(/^name: (.*)$/m, (_, name) => `name: "#${i} ${name.replace(/"/g, '')}"`));
    files.push(file);
  }
  return files;
}

module.exports = { writeLoadScenarios };
