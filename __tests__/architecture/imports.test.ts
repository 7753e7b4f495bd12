// The layering of src/, read from the import statements themselves (README, "Inside uds-fixture"):
// data flows load → plan → run → judge → report with no arrow back, and no two folders import
// each other, directly or around a loop.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const src = path.join(__dirname, '..', '..', 'src');

/**
 * Every folder of src/, lowest first: a module imports only from its own folder or from a folder
 * earlier in this list. `(root)` is src/index.ts and src/runtime.ts, the barrels the faces load.
 */
const LAYERS = [
  'limits', // the limits C and TypeScript share, generated from native/limits.h
  'errors', // the coded-error base and the harness's own errors
  'package', // where the installed package is: root, version, peer program, supervisor
  'scenario', // the format: types, schema, loader, normalizer
  'protocol', // the event channel and the peer's launch file (carries scenario steps)
  'socket', // the typed face of the native addon
  'traffic', // the native traffic engine's face
  'proxy', // the forwarding proxy with fault injection (native/proxy.cc's face and its options)
  'peer', // the scripted peer program (a process of its own)
  'plan', // scenario → RunPlan, a value
  'run', // RunPlan → RunRecord: owns every path and process
  'judge', // RunRecord → ScenarioResult
  'report', // ScenarioResult → text, JSON, JUnit, HTML
  'pipeline', // load → plan → run → judge, the composition every face uses
  'select', // which scenarios a run takes (--grep, --tag, --shard, UDS_FIXTURE_SHARD)
  'testing', // scenario suites and matchers for any test framework
  'cli', // the command's parts
  '(root)',
  'jest',
  'vitest',
  'node-test',
  'bin', // the executable
];

/** The harness never runs the peer program's code in its own process (it spawns it); the API only re-exports its types. */
const NEVER_IMPORTS_PEER = ['plan', 'run', 'judge', 'report', 'pipeline', 'select', 'testing', 'cli'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.m?ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

const folderOf = (file: string): string => {
  const parts = path.relative(src, file).split(path.sep);
  return parts.length > 1 ? parts[0]! : '(root)';
};

/** The file a relative specifier names: a module, or a folder's index. */
function target(from: string, spec: string): string {
  const resolved = path.resolve(path.dirname(from), spec.replace(/\.(c|m)?js$/, ''));
  try {
    if (statSync(resolved).isDirectory()) return path.join(resolved, 'index.ts');
  } catch {
    // not a folder: a module named without its extension
  }
  return resolved;
}

interface Edge {
  from: string;
  to: string;
  file: string;
  spec: string;
}

/** Every import between two folders: static, type-only, re-exports, `import()` and `require()`. */
function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (!spec.startsWith('.')) continue;
      const from = folderOf(file);
      const to = folderOf(target(file, spec));
      if (from !== to) edges.push({ from, to, file: path.relative(src, file), spec });
    }
  }
  return edges;
}

/** Folder cycles, each once, as a path that returns to its start (from its first folder in name order). */
function cycles(edges: Edge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const found = new Set<string>();
  const visit = (node: string, trail: string[]): void => {
    for (const to of next.get(node) ?? []) {
      const at = trail.indexOf(to);
      if (at < 0) {
        visit(to, [...trail, to]);
        continue;
      }
      const loop = trail.slice(at);
      const first = loop.indexOf([...loop].sort()[0]!);
      const turned = [...loop.slice(first), ...loop.slice(0, first)];
      found.add([...turned, turned[0]].join(' → '));
    }
  };
  for (const start of next.keys()) visit(start, [start]);
  return [...found].sort();
}

describe('imports between the folders of src/', () => {
  const edges = folderEdges();

  it('are read from the sources (the parse finds the imports that exist)', () => {
    expect(edges.some((e) => e.from === 'run' && e.to === 'plan')).toBe(true);
    expect(edges.some((e) => e.from === 'pipeline' && e.to === 'judge')).toBe(true);
  });

  it('every folder of src/ has its place in the layers', () => {
    const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !LAYERS.includes(f))).toEqual([]);
  });

  it('form no cycle', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('go only to a lower layer: load → plan → run → judge → report, no arrow back', () => {
    const upward = edges.filter((e) => LAYERS.indexOf(e.to) > LAYERS.indexOf(e.from)).map((e) => `${e.file} imports ${e.spec} (${e.from} → ${e.to})`);
    expect(upward).toEqual([]);
  });

  it('never bring the peer program into the harness', () => {
    const intoPeer = edges.filter((e) => e.to === 'peer' && NEVER_IMPORTS_PEER.includes(e.from)).map((e) => `${e.file} imports ${e.spec}`);
    expect(intoPeer).toEqual([]);
  });
});
