// Turns the text of a scenario file (YAML, or JSON, which the same parser reads) into plain data
// plus a position lookup. Hostile input becomes problems, never an exception or a hang.
import { Composer, isCollection, LineCounter, Parser, visit, YAMLParseError, type Document, type Node, type YAMLError } from 'yaml';
import { documentTooDeep, tokensTooDeepAt } from './depth';
import type { Problem } from './errors';
import { positionsOf } from './positions';
import { implicitKeyHint, unclosedBehind, unclosedMessage } from './syntax-hints';
import type { PositionLookup } from './position-types';

/** Larger than any real scenario; stops a stray huge file before the parser spends memory on it. */
export const MAX_SCENARIO_FILE_BYTES = 8 * 1024 * 1024;
/**
 * Lists and maps nested in each other, aliases followed. A scenario needs at most about 8 levels
 * (`server.steps[0].recvFds.expect[0].mode`). The YAML composer and `toJS` recurse per level and
 * run out of stack from about 850 levels (flow `[`, block `- - -` and nested maps alike, measured
 * with Node 20's default stack from a shallow call); 100 leaves a wide margin for callers with
 * a deep stack of their own.
 */
export const MAX_NESTING = 100;
/** Block nesting shows as indentation; deeper than this is not a scenario (and would exhaust the composer's stack). */
export const MAX_INDENT = 400;
/** How many aliases may be expanded; an "alias bomb" expands exponentially. */
export const MAX_ALIAS_COUNT = 1000;

export interface ParsedSource {
  /** undefined when the text is not usable (problems say why) */
  data?: unknown;
  positions: PositionLookup;
  problems: Problem[];
}

/**
 * The token tree is where depth is measured (quotes known), but yaml's parser slows to about
 * 20 µs per level on pathological nesting (4 million `[` took 106 s): text nested this deep, by
 * a count that ignores quotes, is refused before it is parsed. A false alarm would need 1000
 * unclosed brackets, or 1000 `- ` at the start of one line, inside a string.
 */
const PARSE_GUARD = 1000;

/** Offset where brackets first nest deeper than `limit`, when they go on deeper than `guard`. */
function bracketsTooDeepAt(text: string, limit: number, guard: number): number | undefined {
  let depth = 0;
  let over = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth === limit + 1) over = i;
      if (depth > guard) return over;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** Offset of the (limit+1)th `- ` of a line that starts with more than `guard` of them. */
function dashesTooDeepAt(text: string, limit: number, guard: number): number | undefined {
  const match = new RegExp(`(?:^|\\n)[ \\t]*((?:-[ \\t]+){${limit}})(?:-[ \\t]+){${guard - limit}}`).exec(text);
  return match === null ? undefined : match.index + match[0].indexOf(match[1]!) + match[1]!.length;
}

/** Offset of the first line indented more than `limit` spaces. */
function tooIndentedAt(text: string, limit: number): number | undefined {
  const match = new RegExp(`(?:^|\\n)( {${limit + 1}})`).exec(text);
  return match === null ? undefined : match.index + match[0].length - 1;
}

const TOO_DEEP_HINT = 'a scenario needs fewer than 10 levels; check for unbalanced `[` or `{`, or aliases nested in each other';

const FRIENDLY: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'this key is written twice in the same map',
  MULTIPLE_DOCS: 'a scenario file holds one YAML document; remove the second `---` or split the file',
};

const HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'keep one of them',
  TAB_AS_INDENT: 'YAML indentation uses spaces, not tabs',
  MISSING_CHAR: 'check for a missing `:`, quote, or closing bracket',
};

/**
 * `run: [python3, server.py, ${socket}]`: in YAML's `[ ]` and `{ }` a `{` opens a map, so an
 * unquoted `${…}` there breaks the line. Said plainly when the line that failed has one.
 */
function unquotedVariableHint(lineText: string): string | undefined {
  const match = /(?:^|[\s,[{:])(\$\{[^}\s]*\}?)/.exec(lineText);
  if (match === null || !/[[{]/.test(lineText.slice(0, match.index + 1))) return undefined;
  const written = match[1]!.endsWith('}') ? match[1]! : `${match[1]!}}`;
  return `quote a \`${written}\` inside \`[ ]\` or \`{ }\`: write "${written}" (a bare \`{\` opens a map there)`;
}

export function parseScenarioSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const make = (offset: number, message: string, hint?: string): Problem => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col, path: '', message, ...(hint !== undefined ? { hint } : {}) };
  };
  const fail = (offset: number, message: string, hint?: string): ParsedSource => {
    const positions = positionsOf(undefined, lineCounter, text);
    return { positions, problems: [withSource(make(offset, message, hint), positions)] };
  };

  // Problems found before parsing need lines and columns too.
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);

  if (text.length > MAX_SCENARIO_FILE_BYTES) {
    return fail(0, `the file holds ${text.length} characters; a scenario file may hold at most ${MAX_SCENARIO_FILE_BYTES} (8 MiB)`, 'put large payloads in a separate file and use `file:`');
  }

  const guarded = bracketsTooDeepAt(text, MAX_NESTING, PARSE_GUARD) ?? dashesTooDeepAt(text, MAX_NESTING, PARSE_GUARD);
  if (guarded !== undefined) return fail(guarded, `lists and maps nest deeper than ${MAX_NESTING} levels`, TOO_DEEP_HINT);

  const indented = tooIndentedAt(text, MAX_INDENT);
  if (indented !== undefined) return fail(indented, `a line is indented more than ${MAX_INDENT} columns`, 'a scenario needs a few levels of nesting; check the indentation');

  const counter = new LineCounter();
  let doc: Document | undefined;
  try {
    // What yaml's parseDocument does, with the depth checked between parsing (which keeps its own
    // stack) and composing (which recurses per level).
    const tokens = [...new Parser(counter.addNewLine).parse(text)];
    const deep = tokensTooDeepAt(tokens, MAX_NESTING);
    if (deep !== undefined) return fail(deep, `lists and maps nest deeper than ${MAX_NESTING} levels`, TOO_DEEP_HINT);
    // logLevel 'error': yaml would otherwise print its warnings to stderr; they become problems here.
    const composer = new Composer({ keepSourceTokens: true, prettyErrors: false, resolveKnownTags: false, uniqueKeys: true, logLevel: 'error' });
    for (const next of composer.compose(tokens, true, text.length)) {
      if (doc === undefined) doc = next;
      else {
        doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
        break;
      }
    }
  } catch (error) {
    return fail(0, `the file cannot be parsed: ${(error as Error).message}`);
  }
  if (doc === undefined) return fail(0, 'the file cannot be parsed');
  const positions = positionsOf(doc, counter, text);
  const lineOf = (n: number): string => text.split('\n')[n - 1] ?? '';
  const unclosed = unclosedBehind(doc, doc.errors);
  const fromYaml = (error: YAMLError): Problem | undefined => {
    // An unclosed bracket is shown where it opens, not at the line where yaml gave up.
    const flow = unclosed.get(error);
    if (flow === null) return undefined;
    if (flow !== undefined) {
      const { line, col } = counter.linePos(flow.open);
      return withSource({ file, line, col, path: '', ...unclosedMessage(flow) }, positions);
    }
    const { line, col } = counter.linePos(error.pos[0]);
    const hint = unquotedVariableHint(lineOf(line)) ?? (error.code === 'MULTILINE_IMPLICIT_KEY' ? implicitKeyHint(lineOf(line)) : HINTS[error.code]);
    return withSource({ file, line, col, path: '', message: FRIENDLY[error.code] ?? error.message, ...(hint !== undefined ? { hint } : {}) }, positions);
  };
  // One unclosed bracket can fail the same spot twice (a BAD_INDENT, then a MISSING_CHAR): said once.
  const said = new Set<string>();
  for (const problem of [...doc.errors.map(fromYaml), ...doc.warnings.map(fromYaml)]) {
    if (problem === undefined) continue;
    const id = `${problem.line}:${problem.col}:${problem.message}`;
    if (!said.has(id)) problems.push(problem);
    said.add(id);
  }
  if (doc.errors.length > 0) return { positions, problems };

  const tooDeep = documentTooDeep(doc, MAX_NESTING);
  if (tooDeep !== undefined) {
    const { line, col } = counter.linePos(tooDeep.node.range?.[0] ?? 0);
    const through = tooDeep.alias !== undefined ? ` once the alias \`*${tooDeep.alias}\` is expanded` : '';
    problems.push(withSource({ file, line, col, path: '', message: `lists and maps nest deeper than ${MAX_NESTING} levels${through}`, hint: TOO_DEEP_HINT }, positions));
    return { positions, problems };
  }

  // `[a, b]: x` is valid YAML, but a scenario's keys are names; JavaScript would stringify the list.
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        const { line, col } = counter.linePos((pair.key as Node).range?.[0] ?? 0);
        problems.push(withSource({ file, line, col, path: '', message: 'a key must be a name, not a list or map', hint: 'check for a misplaced `?`, `[` or `{`' }, positions));
      }
    },
  });
  if (problems.length > 0) return { positions, problems };

  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), positions, problems };
  } catch (error) {
    let aliasOffset = 0;
    visit(doc, {
      Alias(_, node) {
        aliasOffset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const { line, col } = counter.linePos(aliasOffset);
    const message =
      error instanceof ReferenceError
        ? `the aliases in this file expand to too much data (more than ${MAX_ALIAS_COUNT} alias uses)`
        : `the file cannot be read as data: ${(error as Error).message}`;
    problems.push(withSource({ file, line, col, path: '', message, hint: 'write the repeated part out, or use fewer nested `*aliases`' }, positions));
    return { positions, problems };
  }
}

export function withSource(problem: Problem, positions: PositionLookup | undefined): Problem {
  if (problem.line === undefined || positions === undefined) return problem;
  const source = positions.lineText(problem.line);
  return source === undefined ? problem : { ...problem, source };
}
