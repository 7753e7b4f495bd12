// Durations and sizes as users write them, turned into numbers. Each parser returns the value or
// the sentence that says what is wrong, so callers can attach a position.
import { CodedError } from '../errors/coded-error';
import { MAX_DURATION_MS, MAX_MESSAGE_SIZE } from './limits';
import type { DurationInput, SizeInput, SizeRange } from './types';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/** `500ms`, `2s`, `1.5s`, `1m`, or a number of milliseconds. */
export function durationMs(input: DurationInput): Parsed<number> {
  let ms: number;
  if (typeof input === 'number') {
    ms = input;
  } else {
    const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m)\s*$/.exec(String(input));
    if (match === null) return { ok: false, message: `must be a duration like \`500ms\` or \`2s\`, got \`${String(input)}\``, hint: 'units are `ms`, `s` and `m`; a bare number means milliseconds' };
    ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  if (!Number.isFinite(ms) || ms < 0) return { ok: false, message: `must be a duration of 0 or more, got \`${String(input)}\`` };
  if (ms > MAX_DURATION_MS) return { ok: false, message: `must be at most ${MAX_DURATION_MS} ms (about 24 days), got \`${String(input)}\`` };
  // Timers work in whole milliseconds.
  return { ok: true, value: Math.round(ms) };
}

/** `64`, `"64"`, or a range `"64..65536"`; every size is 1 to 16 MiB and min <= max. */
export function sizeRange(input: SizeInput): Parsed<SizeRange> {
  const text = String(input).trim();
  const match = /^([0-9]+)(?:\s*\.\.\s*([0-9]+))?$/.exec(text);
  if (match === null) return { ok: false, message: `must be a size like \`64\` or a range like \`64..4096\`, got \`${text}\`` };
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (min < 1) return { ok: false, message: `must be at least 1 byte, got \`${text}\``, hint: `sizes start at 1: write \`${match[2] === undefined ? '1' : `1..${Math.max(1, max)}`}\`` };
  if (min > max) return { ok: false, message: `range \`${text}\` has its minimum above its maximum`, hint: `write \`${max}..${min}\`` };
  if (max > MAX_MESSAGE_SIZE) return { ok: false, message: `must be at most ${MAX_MESSAGE_SIZE} bytes (16 MiB), got \`${text}\`` };
  return { ok: true, value: { min, max } };
}

/**
 * Permission bits. Strings are octal (`"0644"`, `"0o644"`, `"644"`). A number is taken as octal
 * when it was written with a leading zero in YAML (`mode: 0644`, which YAML 1.2 reads as decimal
 * 644): `raw` is the text as written, when known. Other numbers are the bits' value (JSON `420`).
 */
export function modeBits(input: number | string, raw?: string): Parsed<number> {
  const octal = typeof input === 'string' ? input : raw !== undefined && /^0[0-7]+$/.test(raw) ? raw : undefined;
  const bits = octal !== undefined ? (/^(?:0o|0)?([0-7]{1,4})$/.exec(octal.trim())?.[1] ?? '') : '';
  const value = octal !== undefined ? (bits === '' ? Number.NaN : parseInt(bits, 8)) : input;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0o7777) {
    return { ok: false, message: `must be permission bits like \`"0644"\`, got \`${String(raw ?? input)}\`` };
  }
  return { ok: true, value };
}

/** A malformed duration given to `parseDuration` (e.g. a command-line option). */
export class InvalidDurationError extends CodedError<'ERR_INVALID_DURATION'> {
  constructor(readonly value: DurationInput, detail: string) {
    super('ERR_INVALID_DURATION', `duration ${detail}`);
    this.name = 'InvalidDurationError';
  }
}

/** Milliseconds of a duration; throws InvalidDurationError for anything else. */
export function parseDuration(input: DurationInput): number {
  const parsed = durationMs(input);
  if (!parsed.ok) throw new InvalidDurationError(input, parsed.message);
  return parsed.value;
}
