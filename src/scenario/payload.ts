// `text` / `hex` / `base64` / `file` / generated-traffic options of `send` and `recv`, as a Payload.
import type { NormalizeContext } from './context';
import { readScenarioFile } from './context';
import { warnLiteralEscapes } from './literal-escapes';
import type { PathSegment } from './errors';
import { MAX_MESSAGE_SIZE, MAX_TEXT_BYTES } from './limits';
import { listNames } from './suggest';
import type { Payload, SizeRange } from './types';
import { sizeRange } from './units';

export const PAYLOAD_KEYS = ['text', 'hex', 'base64', 'file', 'count'] as const;

/** `hex` and `base64` allow spaces and line breaks for readability. */
export function bytesFromHex(ctx: NormalizeContext, at: readonly PathSegment[], hex: string): Buffer | undefined {
  const digits = hex.replace(/\s+/g, '');
  if (digits.length % 2 !== 0) {
    ctx.problems.add(at, `\`hex\` needs an even number of digits (two per byte), got ${digits.length}`);
    return undefined;
  }
  return checkedSize(ctx, at, Buffer.from(digits, 'hex'));
}

export function bytesFromBase64(ctx: NormalizeContext, at: readonly PathSegment[], text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  const bytes = Buffer.from(compact, 'base64');
  // Buffer.from ignores what it cannot decode; a round trip shows whether anything was dropped.
  const canonical = (s: string) => s.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (canonical(bytes.toString('base64')) !== canonical(compact)) {
    ctx.problems.add(at, '`base64` is not valid base64', { hint: 'check its length and padding (`=`)' });
    return undefined;
  }
  return checkedSize(ctx, at, bytes);
}

export function bytesFromText(ctx: NormalizeContext, at: readonly PathSegment[], text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_TEXT_BYTES) {
    ctx.problems.add(at, `\`${String(at[at.length - 1])}\` holds ${bytes.length} bytes; text written in a scenario may hold at most ${MAX_TEXT_BYTES} (1 MiB)`, {
      hint: 'put it in a file and use `file:` (or `from:` under `files:`)',
    });
    return undefined;
  }
  warnLiteralEscapes(ctx, at, text, 'lineEnd');
  return bytes;
}

function checkedSize(ctx: NormalizeContext, at: readonly PathSegment[], bytes: Buffer): Buffer | undefined {
  if (bytes.length <= MAX_MESSAGE_SIZE) return bytes;
  ctx.problems.add(at, `\`${String(at[at.length - 1])}\` holds ${bytes.length} bytes; at most ${MAX_MESSAGE_SIZE} (16 MiB) may be used here`);
  return undefined;
}

/**
 * The payload in `options` (already schema-valid), or undefined when there is none or it is broken
 * (then a problem says so). `sizeOptional`: a receiver learns each length from the frame header.
 */
export function payloadOf(
  ctx: NormalizeContext,
  at: readonly PathSegment[],
  options: Record<string, unknown>,
  sizeOptional: boolean,
): Payload | undefined {
  const present = PAYLOAD_KEYS.filter((key) => options[key] !== undefined);
  if (present.length === 0) return undefined;
  if (present.length > 1) {
    ctx.problems.add([...at, present[1]!], `a payload is one of ${listNames([...PAYLOAD_KEYS])}; found ${listNames(present, 'and')}`, {
      target: 'key',
      hint: `keep one of ${listNames(present)}`,
    });
    return undefined;
  }
  const key = present[0]!;
  const keyAt = [...at, key];
  const value = options[key];
  const bytes = (source: 'text' | 'hex' | 'base64' | 'file', buffer: Buffer | undefined): Payload | undefined =>
    buffer === undefined ? undefined : { kind: 'bytes', base64: buffer.toString('base64'), source };
  switch (key) {
    case 'text':
      return bytes('text', bytesFromText(ctx, keyAt, value as string));
    case 'hex':
      return bytes('hex', bytesFromHex(ctx, keyAt, value as string));
    case 'base64':
      return bytes('base64', bytesFromBase64(ctx, keyAt, value as string));
    case 'file':
      return bytes('file', readScenarioFile(ctx, keyAt, value as string));
    case 'count': {
      let size: SizeRange | undefined = sizeOptional ? { min: 1, max: MAX_MESSAGE_SIZE } : undefined;
      if (options.size !== undefined) {
        const parsed = sizeRange(options.size as string | number);
        if (!parsed.ok) {
          ctx.problems.add([...at, 'size'], `\`size\` ${parsed.message}`, { hint: parsed.hint });
          return undefined;
        }
        size = parsed.value;
      }
      if (size === undefined) return undefined; // the schema already asked for `size`
      return { kind: 'sequence', count: value as number, size };
    }
  }
}
