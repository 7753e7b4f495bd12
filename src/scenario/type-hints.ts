// What to write instead of a value of the wrong type, built from the value the user wrote: `run:`
// given a command line gets it split into a list, `send: hello` gets `send: { text: hello }`,
// `count: "10"` gets `count: 10`. Each example is YAML that means what the user meant.
import type { PathSegment } from './errors';

/** YAML reads these plain scalars as something other than text. */
const NOT_TEXT = /^(?:[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN|null|Null|NULL|~|true|True|TRUE|false|False|FALSE|[-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?)$/;
/** Text that stays itself unquoted, also inside `[ ]` and `{ }` (`@` and `%` may not start a plain scalar). */
const PLAIN = /^[A-Za-z0-9_./~+=-][A-Za-z0-9_./@~+=%$-]*$/;

/** `value` as YAML inside a flow collection: plain when it reads back as the same text, else double-quoted. */
export function yamlScalar(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  return PLAIN.test(value) && !NOT_TEXT.test(value) && !/^-(?:\s|$)/.test(value) ? value : JSON.stringify(value);
}

/** Whether a plain YAML scalar written as `text` would be read as a number, a boolean or null. */
export function looksLikeNonText(text: string): boolean {
  return NOT_TEXT.test(text.trim());
}

/** A flow list of `items`. */
export function yamlList(items: readonly unknown[]): string {
  return `[${items.map(yamlScalar).join(', ')}]`;
}

/** Characters a shell would give meaning to; no shell runs a `run:` list. */
const SHELL_SYNTAX = /[|&;<>()`*?]|\$[A-Za-z_(]|\$\{(?!socket\}|dir\}|fd\}|files\.)/;

/** A command line split as a shell splits words (quotes and backslashes); undefined if a quote is not closed. */
export function splitCommandLine(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word = (word ?? '') + line[++i];
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (quote !== undefined) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/** `run:` written as one command line: the list it means, or the shell it needs. */
export function runHint(line: string): string {
  const words = splitCommandLine(line);
  if (SHELL_SYNTAX.test(line) || words === undefined || words.length === 0) {
    return `\`run\` starts a program with no shell: write the program and its arguments as a list, e.g. \`run: [python3, server.py]\`; for shell syntax, run a shell: \`run: ${yamlList(['sh', '-c', line])}\``;
  }
  return `\`run\` starts a program with no shell: write the program and its arguments as a list, \`run: ${yamlList(words)}\``;
}

/** A step's options written as its bare value (`send: hello`): the option that value most likely is. */
const STEP_SHORTHANDS: Record<string, (value: unknown) => string | undefined> = {
  send: (v) => (typeof v === 'string' || typeof v === 'number' ? `{ text: ${yamlScalar(String(v))} }` : undefined),
  recv: (v) => (typeof v === 'string' || typeof v === 'number' ? `{ text: ${yamlScalar(String(v))} }` : undefined),
  sendFds: (v) => (typeof v === 'string' ? `{ files: ${yamlList([v])} }` : undefined),
  recvFds: (v) => (typeof v === 'number' && Number.isInteger(v) ? `{ count: ${v} }` : undefined),
  connect: (v) => (typeof v === 'string' ? `{ to: ${yamlScalar(v)} }` : undefined),
  bind: (v) => (typeof v === 'string' ? `{ path: ${yamlScalar(v)} }` : undefined),
  listen: (v) => (typeof v === 'number' && Number.isInteger(v) ? `{ backlog: ${v} }` : undefined),
  accept: (v) => (typeof v === 'string' ? `{ as: ${yamlScalar(v)} }` : undefined),
  close: (v) => (typeof v === 'string' ? `{ on: ${yamlScalar(v)} }` : v === false ? '{ unlink: false }' : undefined),
  waitFor: (v) => {
    if (typeof v !== 'string') return undefined;
    const [peer, event] = v.includes('.') ? v.split('.', 2) : /^(server|client(-\d+)?)$/.test(v) ? [v, 'listen'] : ['server', v];
    return `{ peer: ${yamlScalar(peer)}, event: ${yamlScalar(event)} }`;
  },
};

const LIST_KEYS = new Set(['tags', 'platforms', 'files', 'steps', 'expect', 'message', 'at']);

export interface TypeContext {
  path: readonly PathSegment[];
  /** the key the value is under, or the step it is the options of */
  name: string;
  value: unknown;
  /** what the schema wants there */
  expected: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null' | string;
  minimum?: number;
  maximum?: number;
  /** the list or map holding the value, for a hint about a list item */
  container?: unknown;
}

/** What to write instead of `value`, as an example built from it; undefined when nothing useful can be said. */
export function typeHint(ctx: TypeContext): string | undefined {
  const { name, value, expected } = ctx;
  const last = ctx.path[ctx.path.length - 1];
  const key = typeof last === 'string' ? last : name;
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  switch (expected) {
    case 'array':
      if (key === 'run' && typeof value === 'string') return runHint(value);
      if (scalar) return `write a list, even of one item: \`${key}: ${yamlList([value])}\``;
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && LIST_KEYS.has(key)) {
        const entries = Object.entries(value as Record<string, unknown>);
        const flat = entries.length > 0 && entries.every(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
        const item = flat ? `{ ${entries.map(([k, v]) => `${yamlScalar(k)}: ${yamlScalar(v)}`).join(', ')} }` : '{ ... }';
        return `write a list, even of one item: put \`- \` before it, or \`${key}: [ ${item} ]\``;
      }
      return undefined;
    case 'object': {
      const shorthand = scalar ? STEP_SHORTHANDS[key]?.(value) : undefined;
      if (shorthand !== undefined) return `write the options of \`${key}\` as a map: \`${key}: ${shorthand}\``;
      if ((key === 'server' || key === 'client') && typeof value === 'string') {
        const words = splitCommandLine(value);
        return `a peer is a map: \`${key}: { run: ${yamlList(words !== undefined && words.length > 0 ? words : [value])} }\` for a program, or \`${key}: { steps: [...] }\` for a scripted peer`;
      }
      if (ctx.path[0] === 'files' && ctx.path.length === 2 && typeof value === 'string') return `a file is a map: \`${key}: { content: ${yamlScalar(value)} }\`, or \`{ from: path }\` to copy one`;
      if (key === 'env' && typeof value === 'string' && value.includes('=')) {
        const [k, ...rest] = value.split('=');
        return `write the variables as a map: \`env: { ${yamlScalar(k)}: ${yamlScalar(rest.join('='))} }\``;
      }
      return undefined;
    }
    case 'integer':
    case 'number': {
      const text = typeof value === 'string' ? value.trim() : undefined;
      const n = text !== undefined && text !== '' ? Number(text) : Number.NaN;
      const range = rangeText(ctx);
      if (Number.isFinite(n) && (expected === 'number' || Number.isInteger(n))) return `write the number without quotes: \`${key}: ${n}\``;
      return range !== undefined ? `write ${range}, e.g. \`${key}: ${ctx.minimum ?? 1}\`` : undefined;
    }
    case 'boolean':
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return `write it without quotes: \`${key}: ${value.trim().toLowerCase()}\``;
      if (typeof value === 'string' && /^(yes|on|1)$/i.test(value.trim())) return `write \`${key}: true\``;
      if (typeof value === 'string' && /^(no|off|0)$/i.test(value.trim())) return `write \`${key}: false\``;
      return `write \`${key}: true\` or \`${key}: false\``;
    case 'string':
      // An item of a list of texts (`run: [prog, 1, true]`): the whole list, with what must be quoted quoted.
      if (typeof last === 'number' && Array.isArray(ctx.container) && ctx.container.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        const owner = ctx.path[ctx.path.length - 2];
        return `quote what YAML reads as a number or \`true\`/\`false\`: \`${typeof owner === 'string' ? owner : 'list'}: ${yamlList(ctx.container.map(String))}\``;
      }
      if (typeof value === 'number' || typeof value === 'boolean') return `quote it: \`${key}: "${String(value)}"\``;
      return undefined;
    default:
      return undefined;
  }
}

/** `a whole number from 1 to 255`, from the schema's bounds. */
export function rangeText(ctx: Pick<TypeContext, 'expected' | 'minimum' | 'maximum'>): string | undefined {
  const kind = ctx.expected === 'integer' ? 'a whole number' : 'a number';
  if (ctx.minimum !== undefined && ctx.maximum !== undefined) return `${kind} from ${ctx.minimum} to ${ctx.maximum}`;
  if (ctx.minimum !== undefined) return `${kind} of ${ctx.minimum} or more`;
  if (ctx.maximum !== undefined) return `${kind} of at most ${ctx.maximum}`;
  return undefined;
}
