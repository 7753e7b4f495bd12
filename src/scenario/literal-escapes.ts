// YAML processes escapes like `\n` only in double quotes: in single quotes, unquoted, or in a block
// scalar, `'\n'` is two characters, a backslash and an `n`. Where text is a stream's delimiter, or
// ends a line the way a line protocol does, that is almost surely meant as the control character:
// the loader warns at the value (the scenario still loads, as written). Elsewhere a backslash is
// often meant (JSON text, a regex), and nothing is said.
import type { NormalizeContext } from './context';
import type { PathSegment } from './errors';

const ESCAPE = /\\[nrt0]/;
const LINE_END = /(?:\\r)?\\n$/;
const NAMES: Record<string, string> = { n: 'newline', r: 'carriage return', t: 'tab', '0': 'NUL byte' };

/**
 * `value` as the user would write it in double quotes to get the control characters; its own
 * double quotes escaped, and every other backslash doubled so it stays a backslash there.
 */
function doubleQuoted(value: string): string {
  return `"${value.replace(/\\(?![nrt0])/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Warns when `value` (at `at`) holds a literal `\n`, `\r`, `\t` or `\0` that its quoting left
 * unprocessed: anywhere in a delimiter (`whole`), at the end only for text (`lineEnd`).
 */
export function warnLiteralEscapes(ctx: NormalizeContext, at: readonly PathSegment[], value: string, where: 'whole' | 'lineEnd'): void {
  const found = where === 'whole' ? ESCAPE.exec(value) : LINE_END.exec(value);
  if (found === null) return;
  const style = ctx.positions?.scalarStyle?.(at);
  // JSON files and inline scenarios have no such quoting: a backslash there was written as `\\`.
  if (style !== 'single' && style !== 'plain') return;
  const key = String(at[at.length - 1]);
  const quoting = style === 'single' ? 'single quotes' : 'an unquoted value';
  const letter = ESCAPE.exec(found[0])![0][1]!;
  ctx.problems.warn(at, `\`${key}\` holds \`\\${letter}\` as two characters, a backslash and \`${letter}\`, not a ${NAMES[letter]}: YAML turns escapes into control characters only in double quotes, not in ${quoting}`, {
    hint: `for a ${NAMES[letter]} write \`${key}: ${doubleQuoted(value)}\` (double quotes); if the backslash is meant, write \`${key}: ${JSON.stringify(value)}\``,
  });
}
