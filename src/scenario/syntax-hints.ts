// YAML syntax errors said where the user can fix them. An unclosed `[` or `{` is found by the
// parser only where the next line fails (yaml reports BAD_INDENT or MISSING_CHAR there); the
// source token of the flow collection still knows where its bracket opened, and which closing
// bracket, if any, it got. Hints are given only where the error code (and, for an unclosed
// bracket, the token) says what is wrong.
import { isMap, isSeq, visit, type CST, type Document, type YAMLError } from 'yaml';

export interface UnclosedFlow {
  /** offset of the opening `[` or `{` */
  open: number;
  kind: 'list' | 'map';
  /** the value's range in yaml's terms: the error falls between start and end */
  range: [number, number];
}

/** Every flow list or map whose closing bracket is missing (or is the other kind). */
function unclosedFlows(doc: Document): UnclosedFlow[] {
  const found: UnclosedFlow[] = [];
  visit(doc, (_, node) => {
    if (!(isSeq(node) || isMap(node)) || !node.flow) return;
    const token = node.srcToken as CST.Token | undefined;
    if (token?.type !== 'flow-collection' || node.range === null || node.range === undefined) return;
    const close = isSeq(node) ? ']' : '}';
    if (token.end.some((t) => t.source === close)) return;
    found.push({ open: token.start.offset, kind: isSeq(node) ? 'list' : 'map', range: [node.range[0], node.range[2]] });
  });
  return found;
}

/**
 * The unclosed bracket behind each error that is one, the innermost first; `null` for an error of
 * a bracket around another unclosed one: `[a, {b: c]` leaves both open, but only `{` lacks its
 * closing bracket, and the `[` fails only because the `]` went to it.
 */
export function unclosedBehind(doc: Document, errors: readonly YAMLError[]): Map<YAMLError, UnclosedFlow | null> {
  const unclosed = unclosedFlows(doc);
  const claimed = new Map<YAMLError, UnclosedFlow | null>();
  if (unclosed.length === 0) return claimed;
  const taken = new Set<UnclosedFlow>();
  for (const error of [...errors].sort((a, b) => a.pos[0] - b.pos[0])) {
    if (error.code !== 'BAD_INDENT' && error.code !== 'MISSING_CHAR') continue;
    const at = error.pos[0];
    const inner = unclosed
      .filter((u) => !taken.has(u) && u.range[0] < at && at <= u.range[1])
      .reduce<UnclosedFlow | undefined>((best, u) => (best === undefined || u.open > best.open ? u : best), undefined);
    if (inner === undefined) continue;
    taken.add(inner);
    const around = unclosed.some((u) => u !== inner && inner.open < u.open && u.open < inner.range[1]);
    claimed.set(error, around ? null : inner);
  }
  return claimed;
}

export function unclosedMessage(flow: UnclosedFlow): { message: string; hint: string } {
  return flow.kind === 'list'
    ? { message: 'this `[` is never closed: the list it opens has no `]`', hint: 'end the list with `]`, or write it as a block list, one `- item` per line' }
    : { message: 'this `{` is never closed: the map it opens has no `}`', hint: 'end the map with `}`, or write it as a block map, one `key: value` per line' };
}

/**
 * MULTILINE_IMPLICIT_KEY: a key runs over two lines, which happens when a line has no `: ` (a
 * colon and a space) and YAML reads it as the start of the next line's key. `timeout:5s` is one word.
 */
export function implicitKeyHint(lineText: string): string {
  const glued = /^(\s*(?:- )?)([\w.-]+):(\S.*)$/.exec(lineText);
  if (glued !== null) return `write a space after the colon: \`${glued[2]}: ${glued[3]!.trim()}\` (without it YAML reads \`${glued[2]}:${glued[3]!.trim()}\` as one word)`;
  return 'each `key: value` goes on one line, with a space after the colon; check this line for a missing `:` or space';
}
