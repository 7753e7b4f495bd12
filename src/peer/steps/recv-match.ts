// Checks of a received message against `match`, `contains` and `json`: each failure names what was
// expected and what came, escaped, and where they part (a byte offset, or a JSON path).
import { describeBytes } from '../describe';
import { StepFailure } from '../errors';
import type { RecvMatcher } from '../../scenario/types';

/** Throws RECV_MISMATCH when `got` does not look like `matcher` says. */
export function checkMatcher(matcher: RecvMatcher, got: Buffer, sender: string): void {
  const text = got.toString('utf8');
  switch (matcher.kind) {
    case 'match': {
      if (new RegExp(matcher.regex).test(text)) return;
      const shown = showRegex(matcher.regex);
      throw new StepFailure('RECV_MISMATCH', `recv from ${sender} got text that does not match ${shown}; got ${describeBytes(got)}`, shown, describeBytes(got));
    }
    case 'contains': {
      if (text.includes(matcher.text)) return;
      const wanted = JSON.stringify(matcher.text);
      throw new StepFailure(
        'RECV_MISMATCH',
        `recv from ${sender} got text that does not contain ${wanted}${longestPrefixNote(text, matcher.text)}; got ${describeBytes(got)}`,
        `containing ${wanted}`,
        describeBytes(got),
      );
    }
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new StepFailure('RECV_MISMATCH', `recv from ${sender} expected JSON but got text that is not (${(err as Error).message}); got ${describeBytes(got)}`, JSON.stringify(matcher.value), describeBytes(got));
      }
      const differ = jsonDifference(matcher.value, value, '$');
      if (differ === undefined) return;
      throw new StepFailure(
        'RECV_MISMATCH',
        `recv from ${sender} got JSON that differs at ${differ.path}: expected ${differ.expected}, got ${differ.got}; the message was ${describeBytes(got)}`,
        JSON.stringify(matcher.value),
        describeBytes(got),
      );
    }
  }
}

/** A regular expression as `/source/`, with control characters (a CRLF from YAML) escaped. */
export function showRegex(source: string): string {
  const escaped = source.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    const named: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `/${escaped}/`;
}

/** Where a missing substring went wrong: the longest start of it that is there, and at which byte. */
function longestPrefixNote(text: string, wanted: string): string {
  for (let n = wanted.length - 1; n > 0; n--) {
    const at = text.indexOf(wanted.slice(0, n));
    if (at >= 0) return ` (its first ${n} of ${wanted.length} characters, ${JSON.stringify(wanted.slice(0, n))}, are at character ${at}, then it differs)`;
  }
  return '';
}

interface JsonDifference {
  path: string;
  expected: string;
  got: string;
}

/**
 * The first place where `got` lacks what `expected` has: objects need every expected key (more are
 * fine), arrays the same length and each element contained, other values equal.
 */
export function jsonDifference(expected: unknown, got: unknown, path: string): JsonDifference | undefined {
  const show = (v: unknown): string => (v === undefined ? 'nothing' : truncate(JSON.stringify(v)));
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return { path, expected: `an array`, got: show(got) };
    if (got.length !== expected.length) return { path, expected: `${expected.length} elements`, got: `${got.length} (${show(got)})` };
    for (let i = 0; i < expected.length; i++) {
      const d = jsonDifference(expected[i], got[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return { path, expected: 'an object', got: show(got) };
    for (const [key, value] of Object.entries(expected)) {
      const keyPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in got)) return { path: keyPath, expected: show(value), got: 'no such key' };
      const d = jsonDifference(value, (got as Record<string, unknown>)[key], keyPath);
      if (d) return d;
    }
    return undefined;
  }
  return expected === got ? undefined : { path, expected: show(expected), got: show(got) };
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
