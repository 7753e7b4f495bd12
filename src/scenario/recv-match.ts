// `recv` options that say what a message must look like (`match`, `contains`, `json`) and, on a
// stream, where it ends (`until`, `lengthPrefix`), checked at load time so a bad regex or an
// option the socket type cannot honour points at its line.
import type { NormalizeContext } from './context';
import type { PathSegment } from './errors';
import { isJsonPath } from './captures';
import { PAYLOAD_KEYS } from './payload';
import { listNames } from './suggest';
import type { LengthPrefix, RecvMatcher, StreamFrame } from './types';
import { regexProblem } from './visible';
import { warnLiteralEscapes } from './literal-escapes';

const MATCHER_KEYS = ['match', 'contains', 'json'] as const;

export interface RecvShape {
  matcher?: RecvMatcher;
  frame?: StreamFrame;
  capture?: Record<string, string>;
}

/** The matcher and frame in `o` (schema-valid already); undefined when a problem was reported. */
export function recvShapeOf(ctx: NormalizeContext, at: readonly PathSegment[], o: Record<string, unknown>): RecvShape | undefined {
  const matchers = MATCHER_KEYS.filter((key) => o[key] !== undefined);
  const payloads = PAYLOAD_KEYS.filter((key) => o[key] !== undefined);
  if (matchers.length > 1 || (matchers.length === 1 && payloads.length > 0)) {
    const keys = [...payloads, ...matchers];
    ctx.problems.add([...at, matchers[matchers.length - 1]!], `a \`recv\` checks one thing; found ${listNames(keys, 'and')}`, {
      target: 'key',
      hint: `keep one of ${listNames(keys)} (an exact payload, a regular expression, a substring or a JSON subset)`,
    });
    return undefined;
  }
  const shape: RecvShape = {};
  if (typeof o.match === 'string') {
    const invalid = regexProblem(o.match);
    if (invalid !== undefined) {
      // The escaping advice fits what an unescaped special character causes, not e.g. `{2,1}`.
      const unescaped = /unterminated|unmatched|nothing to repeat|lone quantifier|\\ at end|invalid escape|incomplete quantifier/i.test(invalid);
      ctx.problems.add([...at, 'match'], `\`match\` is not a valid regular expression: ${invalid}`, {
        hint: unescaped ? 'write it in JavaScript syntax; escape a literal `(`, `[`, `.` or `\\` with a backslash (`\\\\(` in a double-quoted YAML string)' : 'write it in JavaScript syntax',
      });
      return undefined;
    }
    shape.matcher = { kind: 'match', regex: o.match };
  } else if (typeof o.contains === 'string') {
    shape.matcher = { kind: 'contains', text: o.contains };
  } else if (o.json !== undefined) {
    shape.matcher = { kind: 'json', value: o.json };
  }
  if (o.capture !== undefined) {
    const capture = o.capture as Record<string, string>;
    if (shape.matcher?.kind !== 'json') {
      ctx.problems.add([...at, 'capture'], '`capture` names values of a `json` recv by their JSON path', {
        target: 'key',
        hint: shape.matcher?.kind === 'match' ? 'a `match` captures with named groups: `(?<id>\\d+)`' : 'add `json: {}` (any JSON), or remove `capture`',
      });
      return undefined;
    }
    for (const [name, path] of Object.entries(capture)) {
      if (!isJsonPath(path)) {
        ctx.problems.add([...at, 'capture', name], `\`${path}\` is not a JSON path this format reads`, { hint: 'write `$.key`, `$.list[0]`, `$["odd key"]`, or `$` for the whole value' });
        return undefined;
      }
    }
    shape.capture = capture;
  }
  if (o.truncated !== undefined && (o.maxBytes === undefined || ctx.socketType === 'stream')) {
    ctx.problems.add(
      [...at, 'truncated'],
      ctx.socketType === 'stream' ? 'a stream has no message to cut: `truncated` applies to datagram and seqpacket sockets' : '`truncated` checks a message cut to the receive buffer; give the buffer: `maxBytes`',
      { target: 'key', hint: ctx.socketType === 'stream' ? 'remove `truncated`' : 'e.g. `recv: { maxBytes: 4, truncated: true }`' },
    );
    return undefined;
  }
  if (o.maxBytes !== undefined && (payloads.includes('count') || o.until !== undefined || o.lengthPrefix !== undefined || (ctx.socketType === 'stream' && payloads.length > 0))) {
    ctx.problems.add([...at, 'maxBytes'], '`maxBytes` bounds one plain read; generated traffic, `until`, `lengthPrefix` and an exact payload on a stream size their own reads', { target: 'key', hint: 'remove `maxBytes`' });
    return undefined;
  }
  const framing = (['until', 'lengthPrefix'] as const).filter((key) => o[key] !== undefined);
  if (framing.length === 0) return shape;
  if (framing.length > 1) {
    ctx.problems.add([...at, 'lengthPrefix'], 'a message ends at a delimiter (`until`) or after a length prefix (`lengthPrefix`), not both', {
      target: 'key',
      hint: 'keep one of `until` and `lengthPrefix`',
    });
    return undefined;
  }
  const key = framing[0]!;
  if (ctx.socketType !== undefined && ctx.socketType !== 'stream') {
    ctx.problems.add([...at, key], `\`${key}\` splits a byte stream; a ${ctx.socketType} socket keeps message boundaries, so each \`recv\` takes one message`, {
      target: 'key',
      hint: `remove \`${key}\``,
    });
    return undefined;
  }
  if (payloads.includes('count')) {
    ctx.problems.add([...at, key], `generated traffic (\`count\`) frames its own messages; \`${key}\` does not apply`, { target: 'key', hint: `remove \`${key}\`` });
    return undefined;
  }
  if (key === 'until') warnLiteralEscapes(ctx, [...at, 'until'], o.until as string, 'whole');
  shape.frame = key === 'until' ? { kind: 'until', delimiter: o.until as string } : { kind: 'lengthPrefix', prefix: o.lengthPrefix as LengthPrefix };
  return shape;
}
