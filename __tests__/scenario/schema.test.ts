import Ajv from 'ajv';
import { scenarioJsonSchema } from '../../src/scenario';

type Node = Record<string, unknown>;

/** Every schema object in the tree, with where it sits. */
function* walk(node: unknown, at: string): Generator<[Node, string]> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* walk(item, `${at}/${i}`);
    return;
  }
  const schema = node as Node;
  yield [schema, at];
  for (const key of ['anyOf', 'oneOf', 'allOf', 'items']) if (schema[key] !== undefined) yield* walk(schema[key], `${at}/${key}`);
  for (const key of ['properties', 'definitions']) {
    for (const [name, child] of Object.entries((schema[key] as Node | undefined) ?? {})) yield* walk(child, `${at}/${key}/${name}`);
  }
  if (typeof schema.additionalProperties === 'object') yield* walk(schema.additionalProperties, `${at}/additionalProperties`);
}

describe('scenarioJsonSchema', () => {
  it('compiles in ajv strict mode and is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(scenarioJsonSchema))).toEqual(scenarioJsonSchema);
    expect(() => new Ajv({ strict: true, strictRequired: false }).compile(scenarioJsonSchema)).not.toThrow();
  });

  it('describes every property, for editors', () => {
    const undescribed: string[] = [];
    for (const [schema, at] of walk(scenarioJsonSchema, '#')) {
      for (const [name, property] of Object.entries((schema.properties as Node | undefined) ?? {})) {
        if (typeof (property as Node).description !== 'string') undescribed.push(`${at}/properties/${name}`);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('closes every object with properties, so typos are errors', () => {
    const open: string[] = [];
    for (const [schema, at] of walk(scenarioJsonSchema, '#')) {
      if (schema.properties !== undefined && schema.additionalProperties !== false) open.push(at);
    }
    expect(open).toEqual([]);
  });

  it('accepts the DESIGN.md example and rejects a misspelled key', () => {
    const validate = new Ajv({ strict: true, strictRequired: false }).compile(scenarioJsonSchema);
    const example = {
      name: 'client hands the server a log file',
      tags: ['fd-passing'],
      timeout: '10s',
      socket: 'stream',
      files: { log: { content: 'line one\n' } },
      server: { steps: ['listen', { accept: { expectPeer: { uid: 'self' } } }, { recvFds: { count: 1, expect: [{ sameFileAs: 'log' }] } }, { recv: { text: 'done' } }, 'close'] },
      client: { steps: ['connect', { sendFds: { files: ['log'], data: 'F' } }, { send: { text: 'done' } }, 'close'] },
      expect: { exit: { server: 0, client: 0 }, leftoverSockets: 'fail' },
    };
    expect(validate(example)).toBe(true);
    expect(validate({ ...example, sockets: 'stream' })).toBe(false);
  });
});
