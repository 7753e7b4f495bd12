// Validates data against the scenario schema and turns ajv's errors into one readable problem per
// location. ajv reports every failed branch of an `anyOf` (a duration is "not a number" *and* "not
// matching the pattern"); here each `anyOf` keeps only the branch whose type fits the value, or,
// when none fits, becomes one "must be X, got Y" message.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { PathSegment } from './errors';
import { STEP_NAMES } from './limits';
import { scenarioJsonSchema, type JsonSchema } from './schema';
import { didYouMean, listNames } from './suggest';
import { visible } from './visible';
import { looksLikeNonText, rangeText, typeHint } from './type-hints';

export interface RawProblem {
  path: PathSegment[];
  /** `key` points at the key itself (unknown keys), `value` at what follows it */
  target: 'key' | 'value';
  message: string;
  hint?: string;
  /** the value the problem makes unusable, when not `path` (a missing key: the parent's path + the key) */
  subject?: PathSegment[];
}

const definitions = scenarioJsonSchema.definitions as Record<string, JsonSchema>;
const stepDefinition = definitions.step!;
const stepObjectSchema = (stepDefinition.anyOf as JsonSchema[])[1]!;

/** How to say what a value of each definition looks like. */
const PHRASES: Record<string, string> = {
  duration: 'a duration like `500ms` or `2s`',
  size: 'a size like `64` or a range like `64..4096`',
  mode: 'permission bits like `"0644"`',
  errno: 'an errno code like `ECONNREFUSED`',
  signal: 'a signal name like `SIGTERM`',
  exitCode: 'an exit code from 0 to 255',
  socketType: '`stream`, `dgram` or `seqpacket`',
  shutdownHow: '`read`, `write` or `both`',
  policy: '`fail`, `warn` or `ignore`',
  step: 'a step: a name like `listen` or a name with options like `send: { text: hi }`',
};

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  // strictRequired is off because `send` lists its payload keys in `anyOf: [{ required }]` branches.
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false }).compile(scenarioJsonSchema);
  return compiled;
}

function resolve(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) return definitions[ref.slice('#/definitions/'.length)] ?? schema;
  return schema;
}

const closures = new WeakMap<JsonSchema, Set<JsonSchema>>();
/** Every schema object that applies to the same value as `schema` (through `$ref` and `anyOf`). */
function sameLevel(schema: JsonSchema): Set<JsonSchema> {
  let set = closures.get(schema);
  if (set !== undefined) return set;
  set = new Set([schema]);
  closures.set(schema, set);
  const target = resolve(schema);
  if (target !== schema) for (const s of sameLevel(target)) set.add(s);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const branches = target[key];
    if (Array.isArray(branches)) for (const b of branches as JsonSchema[]) for (const s of sameLevel(b)) set.add(s);
  }
  return set;
}

const definitionOf = new Map<JsonSchema, string>();
for (const [name, schema] of Object.entries(definitions)) {
  for (const s of sameLevel(schema)) if (!definitionOf.has(s)) definitionOf.set(s, name);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function typeAccepts(schema: JsonSchema, value: unknown): boolean {
  const target = resolve(schema);
  const type = target.type;
  if (typeof type === 'string') {
    const actual = jsonType(value);
    if (type === 'integer' || type === 'number') return actual === 'number';
    return actual === type;
  }
  const branches = (target.anyOf ?? target.oneOf) as JsonSchema[] | undefined;
  if (branches !== undefined) return branches.some((b) => typeAccepts(b, value));
  return true;
}

/** Replaces each failed `anyOf` and the errors of its branches with what a person needs to read. */
function collapseBranches(errors: ErrorObject[]): ErrorObject[] {
  let list = [...errors];
  // ajv reports inner alternatives before outer ones, so inner collapses are seen by outer ones.
  for (const branching of errors) {
    if (branching.keyword !== 'anyOf' && branching.keyword !== 'oneOf') continue;
    if (!list.includes(branching)) continue;
    const branches = branching.schema as JsonSchema[];
    const at = branching.instancePath;
    const fits = branches.map((b) => typeAccepts(b, branching.data));
    const belongsTo = (e: ErrorObject, i: number): boolean => e.instancePath === at && sameLevel(branches[i]!).has(e.parentSchema as JsonSchema);
    const fitting = fits.flatMap((fit, i) => (fit ? [i] : []));
    if (fitting.length === 1) {
      list = list.filter((e) => e !== branching && !branches.some((_, i) => i !== fitting[0] && belongsTo(e, i)));
    } else {
      const replacement: ErrorObject = { ...branching, keyword: 'expected', params: {} };
      list = list.flatMap((e) => (e === branching ? [replacement] : branches.some((_, i) => belongsTo(e, i)) ? [] : [e]));
    }
  }
  return list;
}

function toSegments(instancePath: string, data: unknown): PathSegment[] {
  if (instancePath === '') return [];
  const segments: PathSegment[] = [];
  let cursor: unknown = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: PathSegment = Array.isArray(cursor) ? Number(key) : key;
    segments.push(segment);
    cursor = cursor !== null && typeof cursor === 'object' ? (cursor as Record<string, unknown>)[key as never] : undefined;
  }
  return segments;
}

/** `timeout`, `steps[2]`: how a message names the value it is about. */
export function nameOf(path: readonly PathSegment[]): string {
  let i = path.length - 1;
  let suffix = '';
  while (i >= 0 && typeof path[i] === 'number') {
    suffix = `[${path[i]}]${suffix}`;
    i--;
  }
  return i >= 0 ? `${String(path[i])}${suffix}` : suffix === '' ? 'the scenario' : `item${suffix}`;
}

/** A value shown back to the user, short. */
export function shown(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = typeof value === 'string' ? value : String(value);
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  if (typeof value === 'string' && value === '') return 'an empty string';
  // `"10"` is text, where a number was meant: show the quotes that make it so.
  if (typeof value === 'string' && looksLikeNonText(value)) return `the text \`${JSON.stringify(value)}\``;
  return `\`${visible(short)}\``;
}

const TYPE_PHRASES: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: '`true` or `false`',
  object: 'a map',
  array: 'a list',
  null: 'empty',
};

function describe(schema: JsonSchema): string {
  const target = resolve(schema);
  const phrase = phraseFor(target);
  if (phrase !== undefined) return phrase;
  if (Array.isArray(target.enum)) return `one of ${listNames((target.enum as unknown[]).map(String))}`;
  if (target.type === 'object' && typeof target.properties === 'object') {
    return `a map with ${listNames(Object.keys(target.properties as object))}`;
  }
  if (typeof target.type === 'string') return TYPE_PHRASES[target.type] ?? target.type;
  const branches = (target.anyOf ?? target.oneOf) as JsonSchema[] | undefined;
  if (branches !== undefined) {
    const options = branches.map(describe);
    return options.length <= 2 ? options.join(' or ') : `${options.slice(0, -1).join(', ')}, or ${options[options.length - 1]}`;
  }
  return 'something else';
}

function phraseFor(schema: JsonSchema): string | undefined {
  const name = definitionOf.get(schema);
  return name !== undefined ? PHRASES[name] : undefined;
}

function explain(error: ErrorObject, data: unknown): RawProblem {
  const path = toSegments(error.instancePath, data);
  const name = nameOf(path);
  const parent = error.parentSchema as JsonSchema;
  const value: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  const valueProblem = (message: string, hint?: string): RawProblem => ({ path, target: 'value', message, ...(hint !== undefined ? { hint } : {}) });

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const keyPath = [...path, key];
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      if (parent === stepObjectSchema) return unknownStepKey(keyPath, key, value as Record<string, unknown>);
      const hint = didYouMean(key, allowed) ?? (allowed.length > 0 ? `allowed here: ${listNames(allowed)}` : undefined);
      const where = path.length === 0 ? '' : ` in \`${name}\``;
      return { path: keyPath, target: 'key', message: `unknown key \`${key}\`${where}`, ...(hint !== undefined ? { hint } : {}) };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const subject = { subject: [...path, missing] };
      if (path.length === 0) return { ...valueProblem(`a scenario needs \`${missing}\``, missing === 'name' ? 'add `name: what this scenario shows` at the top' : undefined), ...subject };
      return { ...valueProblem(`\`${name}\` needs \`${missing}\``), ...subject };
    }
    case 'dependencies':
      return { ...valueProblem(`\`${String(params.property)}\` needs \`${String(params.missingProperty)}\` too`), subject: [...path, String(params.missingProperty)] };
    case 'maxProperties':
      if (parent === stepObjectSchema) {
        return valueProblem(`a step has exactly one name, found ${listNames(Object.keys(value as object), 'and')}`, 'write each step as its own `- ` item, with its options indented under its name');
      }
      return valueProblem(`\`${name}\` may hold at most ${String(params.limit)} keys`);
    case 'minProperties':
      if (parent === stepObjectSchema) return valueProblem('this step is empty', `write a step name such as ${listNames(['listen', 'connect', 'send'])}`);
      return valueProblem(`\`${name}\` must not be empty`);
    case 'enum': {
      if (parent === (stepDefinition.anyOf as JsonSchema[])[0]) return unknownBareStep(path, String(value));
      const allowed = (error.schema as unknown[]).map(String);
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return valueProblem(`\`${name}\` must be ${listNames(allowed)}, got ${shown(value)}`, hint);
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return valueProblem(`\`${name}\` must be at least ${String(params.limit)}, got ${shown(value)}`, rangeHint(path, name, parent));
    case 'maximum':
    case 'exclusiveMaximum':
      return valueProblem(`\`${name}\` must be at most ${String(params.limit)}, got ${shown(value)}`, rangeHint(path, name, parent));
    case 'minLength':
      return valueProblem(`\`${name}\` must not be empty`);
    case 'minItems':
      return valueProblem(`\`${name}\` needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
    case 'uniqueItems':
      return valueProblem(`\`${name}\` lists the same value twice`);
    case 'expected': {
      if (parent === definitions.step_send) {
        return valueProblem('`send` needs a payload: `text`, `hex`, `base64`, `file`, or `count` with `size`');
      }
      return valueProblem(`\`${name}\` must be ${describe(parent)}, got ${shown(value)}`, expectedHint(path, name, value, parent));
    }
    case 'pattern': {
      // `server: "0"` under `expect.exit`: an exit code quoted into text, read as a signal name.
      // `server: zero` there: the text failed the signal branch, but a number was as welcome.
      if (phraseFor(parent) === PHRASES.signal && typeof value === 'string' && path[path.length - 2] === 'exit') {
        const message = `\`${name}\` must be an exit code (a number) or a signal name like \`SIGTERM\`, got ${shown(value)}`;
        if (/^\s*[0-9]+\s*$/.test(value)) return valueProblem(message, `write the exit code without quotes: \`${name}: ${value.trim()}\``);
        return valueProblem(message, `write the exit code as a number, e.g. \`${name}: 0\`, or the signal that ends it, e.g. \`${name}: SIGTERM\``);
      }
      const phrase = phraseFor(parent) ?? (name === 'hex' ? 'hexadecimal digits like `00ff`' : name === 'base64' ? 'base64 text' : `text matching ${String(params.pattern)}`);
      return valueProblem(`\`${name}\` must be ${phrase}, got ${shown(value)}`);
    }
    case 'type': {
      if (path.length === 0) return valueProblem(`a scenario is a map with \`name\` and its peers, got ${shown(value)}`);
      if (value === null && params.type === 'object' && typeof parent.properties === 'object') {
        return valueProblem(`\`${name}\` needs options`, `indent them under \`${name}:\`, e.g. ${listNames(Object.keys(parent.properties as object).slice(0, 3))}`);
      }
      const phrase = phraseFor(parent) ?? TYPE_PHRASES[String(params.type)] ?? String(params.type);
      const hint = typeHint({ path, name, value, expected: String(params.type), container: valueAt(data, path.slice(0, -1)), ...bounds(parent) });
      return valueProblem(`\`${name}\` must be ${phrase}, got ${shown(value)}`, hint);
    }
    default:
      return valueProblem(`\`${name}\` ${error.message ?? 'is invalid'}`);
  }
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cursor = data;
  for (const segment of path) cursor = cursor !== null && typeof cursor === 'object' ? (cursor as Record<string, unknown>)[segment as never] : undefined;
  return cursor;
}

function bounds(schema: JsonSchema): { minimum?: number; maximum?: number } {
  const target = resolve(schema);
  return {
    ...(typeof target.minimum === 'number' ? { minimum: target.minimum } : {}),
    ...(typeof target.maximum === 'number' ? { maximum: target.maximum } : {}),
  };
}

/** A number out of range: the range, and an example at its low end (a size also takes a range). */
function rangeHint(path: PathSegment[], name: string, parent: JsonSchema): string | undefined {
  const range = rangeText({ expected: String(resolve(parent).type), ...bounds(parent) });
  if (range === undefined) return undefined;
  const key = typeof path[path.length - 1] === 'string' ? String(path[path.length - 1]) : name;
  const low = bounds(parent).minimum ?? 0;
  const size = definitionOf.get(parent) === 'size';
  return `write ${range}${size ? ' (bytes)' : ''}, e.g. \`${key}: ${low}\`${size ? `, or a range like \`${key}: ${low}..${low + 6}\`` : ''}`;
}

/** None of the alternatives fits: a hint from the first that is a list or a map, when the value is written like its contents. */
function expectedHint(path: PathSegment[], name: string, value: unknown, parent: JsonSchema): string | undefined {
  const branches = ((resolve(parent).anyOf ?? resolve(parent).oneOf) as JsonSchema[] | undefined) ?? [];
  for (const branch of branches) {
    const type = resolve(branch).type;
    if (type === 'object' || type === 'array') {
      const hint = typeHint({ path, name, value, expected: type });
      if (hint !== undefined) return hint;
    }
  }
  return undefined;
}

function unknownBareStep(path: PathSegment[], written: string): RawProblem {
  if ((STEP_NAMES as readonly string[]).includes(written)) {
    return { path, target: 'value', message: `\`${written}\` needs options`, hint: `write it as \`- ${written}: { ... }\`${written === 'send' ? ', e.g. `- send: { text: hello }`' : ''}` };
  }
  return { path, target: 'value', message: `unknown step \`${written}\``, hint: didYouMean(written, STEP_NAMES) ?? `steps are ${listNames(STEP_NAMES)}` };
}

function unknownStepKey(keyPath: PathSegment[], key: string, step: Record<string, unknown>): RawProblem {
  // `- send:` followed by `text: hi` at the same indentation parses as `{ send: null, text: hi }`.
  const owner = Object.keys(step).find((other) => {
    if (other === key) return false;
    const options = definitions[`step_${other}`];
    return options !== undefined && [...sameLevel(options)].some((s) => typeof s.properties === 'object' && key in (s.properties as object));
  });
  if (owner !== undefined) {
    return { path: keyPath, target: 'key', message: `\`${key}\` is not a step; it is an option of \`${owner}\``, hint: `indent it under \`${owner}:\`, or write \`- ${owner}: { ${key}: ... }\`` };
  }
  return { path: keyPath, target: 'key', message: `unknown step \`${key}\``, hint: didYouMean(key, STEP_NAMES) ?? `steps are ${listNames(STEP_NAMES)}` };
}

/** Schema problems of `data`, one per location, in document order. */
export function schemaProblems(data: unknown): RawProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = collapseBranches(validate.errors ?? []);
  // In a step with two keys, the one that is not a step name already says what is wrong.
  const extraKeyAt = new Set(errors.filter((e) => e.keyword === 'additionalProperties' && e.parentSchema === stepObjectSchema).map((e) => e.instancePath));
  const problems = errors
    .filter((e) => !(e.keyword === 'maxProperties' && e.parentSchema === stepObjectSchema && extraKeyAt.has(e.instancePath)))
    .map((e) => explain(e, data));
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.path.join('\u0000')}|${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
