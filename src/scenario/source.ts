// Turns the text of a scenario file (YAML, or JSON, which the same parser reads) into plain data
// plus a position lookup. Hostile input becomes problems, never an exception or a hang.
import { isCollection, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
import type { Problem } from './errors';
import { positionsOf } from './positions';
import type { PositionLookup } from './position-types';

/** Larger than any real scenario; stops a stray huge file before the parser spends memory on it. */
export const MAX_SCENARIO_FILE_BYTES = 8 * 1024 * 1024;
/** Deep enough for any scenario; the YAML composer recurses per level and runs out of stack/memory near 10⁵. */
export const MAX_NESTING = 1000;
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

/** Offset of the first `[`/`{` nested deeper than the limit. Quotes are not tracked: a false alarm needs 1000 unclosed brackets in a string. */
function tooDeepAt(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** Offset of the first line indented more than `limit` spaces. */
function tooIndentedAt(text: string, limit: number): number | undefined {
  const match = new RegExp(`(?:^|\\n)( {${limit + 1}})`).exec(text);
  return match === null ? undefined : match.index + match[0].length - 1;
}

const FRIENDLY: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'this key is written twice in the same map',
  MULTIPLE_DOCS: 'a scenario file holds one YAML document; remove the second `---` or split the file',
};

const HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'keep one of them',
  TAB_AS_INDENT: 'YAML indentation uses spaces, not tabs',
  MISSING_CHAR: 'check for a missing `:`, quote, or closing bracket',
};

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

  const deep = tooDeepAt(text, MAX_NESTING);
  if (deep !== undefined) return fail(deep, `brackets nest deeper than ${MAX_NESTING} levels`, 'a scenario needs a few levels; check for unbalanced `[` or `{`');

  const indented = tooIndentedAt(text, MAX_INDENT);
  if (indented !== undefined) return fail(indented, `a line is indented more than ${MAX_INDENT} columns`, 'a scenario needs a few levels of nesting; check the indentation');

  const counter = new LineCounter();
  let doc: Document;
  try {
    // logLevel 'error': yaml would otherwise print its warnings to stderr; they become problems here.
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, resolveKnownTags: false, uniqueKeys: true, logLevel: 'error' });
  } catch (error) {
    return fail(0, `the file cannot be parsed: ${(error as Error).message}`);
  }
  const positions = positionsOf(doc, counter, text);
  const fromYaml = (error: YAMLError): Problem => {
    const { line, col } = counter.linePos(error.pos[0]);
    const hint = HINTS[error.code];
    return withSource({ file, line, col, path: '', message: FRIENDLY[error.code] ?? error.message, ...(hint !== undefined ? { hint } : {}) }, positions);
  };
  problems.push(...doc.errors.map(fromYaml), ...doc.warnings.map(fromYaml));
  if (doc.errors.length > 0) return { positions, problems };

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
