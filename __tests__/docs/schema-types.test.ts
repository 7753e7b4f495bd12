// The JSON Schema (what editors and the loader check) and the TypeScript input types (what
// `defineScenario` users write) describe the same format: every object of the format has the same
// keys in both. Checked by the TypeScript compiler over assertions generated from the schema.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { scenarioJsonSchema } from '../../src/scenario';
import { repoRoot } from '../helpers/child-script';

type Json = { properties?: Record<string, Json>; additionalProperties?: Json | boolean; items?: Json; anyOf?: Json[]; oneOf?: Json[]; definitions?: Record<string, Json> };

const schema = scenarioJsonSchema as unknown as Json;

/** The property names of the first object schema found in `node` (through anyOf/oneOf). */
function objectKeys(node: Json | undefined, omit: string[] = []): string[] {
  const stack = node ? [node] : [];
  while (stack.length) {
    const n = stack.shift()!;
    if (n.properties) return Object.keys(n.properties).filter((k) => !omit.includes(k)).sort();
    stack.push(...(n.anyOf ?? []), ...(n.oneOf ?? []));
  }
  throw new Error('no object in this part of the schema');
}

const COMMON = ['expectError', 'timeout'];
const defs = schema.definitions!;
const recvFds = defs.step_recvFds!;
const recvFdsObject = [recvFds, ...(recvFds.anyOf ?? []), ...(recvFds.oneOf ?? [])].find((n) => n.properties)!;

/** [TypeScript type expression, the keys the schema gives that object] */
const pairs: Array<[string, string[]]> = [
  ['keyof T.ScenarioInput', objectKeys(schema, ['$schema'])],
  ['keyof T.PeerInput', objectKeys(schema.properties!.server)],
  ['keyof T.ClientsInput', objectKeys(schema.properties!.clients)],
  ['keyof T.StopInput', objectKeys(schema.properties!.server!.properties!.stop)],
  ['keyof T.FileInput', objectKeys(schema.properties!.files!.additionalProperties as Json)],
  ['keyof T.ExpectInput', objectKeys(schema.properties!.expect)],
  ['keyof T.CommonStepOptions', COMMON],
  ['keyof T.SendFdsInput', objectKeys(defs.step_sendFds, COMMON)],
  ['keyof T.RecvFdsInput', objectKeys(recvFds, COMMON)],
  ['keyof T.FdExpectInput', objectKeys(recvFdsObject.properties!.expect!.items)],
  ['keyof Exclude<T.ScenarioInput["proxy"], true | undefined>', objectKeys(schema.properties!.proxy)],
  ['keyof T.ProxyFaultsInput', objectKeys(defs.proxyFaults)],
  ['StepNames<T.StepInput>', Object.keys(defs).filter((d) => d.startsWith('step_')).map((d) => d.slice('step_'.length)).sort()],
];

test('every object of the format has the same keys in the JSON Schema and in the TypeScript types', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'udsf-schema-types-'));
  try {
    const file = path.join(dir, 'check.ts');
    const lines = [
      `import type * as T from ${JSON.stringify(path.join(repoRoot, 'src', 'scenario', 'types'))};`,
      'type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
      'type StepNames<U> = U extends string ? never : keyof U;',
      ...pairs.map(([type, keys], i) => `export const check${i}: Exact<${type}, ${keys.map((k) => JSON.stringify(k)).join(' | ') || 'never'}> = true;`),
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [path.join(repoRoot, 'node_modules', '@types')] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
      return `${lines[line] ?? ''}\n  → ${text}`;
    });
    expect(problems).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
