// User-written proxy faults → their normalized form (what the native engine takes). Problems are reported with the path of the
// offending key, so a scenario can point at file:line:col and the command line at its option.
import { durationMs, sizeRange } from './units';
import { DELAY_PER } from './types';
import type { FaultSelector, ProxyFaults, ProxyFaultsInput, SocketType } from './types';

export type FaultPath = (string | number)[];
export type ReportProblem = (at: FaultPath, message: string, hint?: string) => void;

const MESSAGE_FAULTS = ['drop', 'duplicate', 'reorder'] as const;
export const FAULT_NAMES = ['chunk', 'delay', 'drop', 'duplicate', 'reorder', 'corrupt', 'reset', 'stall', 'dropFds', 'truncateFds'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function count(value: unknown, at: FaultPath, report: ReportProblem, what: string, min = 0): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  report(at, `must be ${what}, a whole number of ${min} or more, got \`${JSON.stringify(value)}\``);
  return undefined;
}

function ms(value: unknown, at: FaultPath, report: ReportProblem): number | undefined {
  const parsed = durationMs(value as never);
  if (parsed.ok) return parsed.value;
  report(at, parsed.message, parsed.hint);
  return undefined;
}

function selector(input: unknown, at: FaultPath, report: ReportProblem, extra: readonly string[] = []): FaultSelector | undefined {
  if (input === true) return {};
  if (!isRecord(input)) {
    report(at, `must be \`true\` (every message) or a selector like \`{ message: 3 }\`, \`{ rate: 0.1 }\`, got \`${JSON.stringify(input)}\``);
    return undefined;
  }
  const out: FaultSelector = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'message') {
      const list = Array.isArray(value) ? value : [value];
      const numbers = list.map((n, i) => count(n, Array.isArray(value) ? [...at, key, i] : [...at, key], report, 'a message number', 1));
      if (numbers.every((n) => n !== undefined)) out.messages = numbers as number[];
    } else if (key === 'fromByte') {
      const n = count(value, [...at, key], report, 'a byte offset');
      if (n !== undefined) out.fromByte = n;
    } else if (key === 'after') {
      const n = ms(value, [...at, key], report);
      if (n !== undefined) out.afterMs = n;
    } else if (key === 'rate') {
      if (typeof value === 'number' && value >= 0 && value <= 1) out.rate = value;
      else report([...at, key], `must be a probability from 0 to 1, got \`${JSON.stringify(value)}\``, 'e.g. `rate: 0.1` for one message in ten (seeded: the same seed picks the same messages)');
    } else if (!extra.includes(key)) {
      report([...at, key], `unknown selector \`${key}\``, 'a selector takes `message`, `fromByte`, `after` and `rate`');
    }
  }
  return out;
}

// `delay: { per: chunk }` holds each piece of the direction's `chunk` re-split: a stream's, with `chunk` beside it.
function delayPer(per: unknown, hasChunk: boolean, type: SocketType, at: FaultPath, report: ReportProblem, out: ProxyFaults): void {
  if (!(DELAY_PER as readonly unknown[]).includes(per)) {
    report(at, `\`per\` must be ${DELAY_PER.map((p) => `\`${p}\``).join(' or ')}, got \`${JSON.stringify(per)}\``, '`per: message` (the default) holds each message; `per: chunk` each piece of a `chunk` re-split');
  } else if (per === 'chunk') {
    if (type !== 'stream') report(at, `\`per: chunk\` holds each piece of a \`chunk\` re-split; a ${type} socket keeps its message boundaries and is never re-split`, 'use it with `socket: stream` and `chunk`, or drop `per` to hold each message');
    else if (!hasChunk) report(at, '`per: chunk` holds each piece of a `chunk` re-split, and this direction has no `chunk`', 'add `chunk: 1` (or a range like `1..7`) next to this `delay`, or drop `per` to hold each message');
    else out.delayPerChunk = true;
  }
}

/** The native form of one direction's faults; problems go to `report` (nothing is thrown). */
export function normalizeFaults(input: unknown, type: SocketType, at: FaultPath, report: ReportProblem): ProxyFaults {
  const out: ProxyFaults = {};
  if (input === undefined) return out;
  if (!isRecord(input)) {
    report(at, 'must be a map of faults', `faults are ${FAULT_NAMES.map((n) => `\`${n}\``).join(', ')}`);
    return out;
  }
  const faults = input as ProxyFaultsInput & Record<string, unknown>;
  for (const key of Object.keys(faults)) {
    if (!(FAULT_NAMES as readonly string[]).includes(key)) report([...at, key], `unknown fault \`${key}\``, `faults are ${FAULT_NAMES.map((n) => `\`${n}\``).join(', ')}`);
  }
  if (faults.chunk !== undefined) {
    if (type !== 'stream') report([...at, 'chunk'], `\`chunk\` re-splits a byte stream; a ${type} socket keeps its message boundaries`, 'use it with `socket: stream`');
    const range = sizeRange(faults.chunk);
    if (range.ok) {
      out.chunkMin = range.value.min;
      out.chunkMax = range.value.max;
    } else report([...at, 'chunk'], `\`chunk\` ${range.message}`, range.hint);
  }
  if (faults.delay !== undefined) {
    const delay = faults.delay;
    if (isRecord(delay)) {
      const time = ms(delay.time, [...at, 'delay', 'time'], report);
      if (time !== undefined) out.delayMs = time;
      if (delay.jitter !== undefined) {
        const jitter = ms(delay.jitter, [...at, 'delay', 'jitter'], report);
        if (jitter !== undefined) out.jitterMs = jitter;
      }
      if (delay.when !== undefined) {
        const when = selector(delay.when, [...at, 'delay', 'when'], report);
        if (when) out.delayWhen = when;
      }
      if (delay.per !== undefined) delayPer(delay.per, faults.chunk !== undefined, type, [...at, 'delay', 'per'], report, out);
      for (const key of Object.keys(delay)) if (!['time', 'jitter', 'when', 'per'].includes(key)) report([...at, 'delay', key], `unknown delay option \`${key}\``, 'write `delay: 20ms` or `delay: { time: 20ms, jitter: 5ms, when: { message: 2 }, per: chunk }`');
    } else {
      const time = ms(delay, [...at, 'delay'], report);
      if (time !== undefined) out.delayMs = time;
    }
  }
  for (const name of MESSAGE_FAULTS) {
    if (faults[name] === undefined) continue;
    if (type === 'stream') report([...at, name], `\`${name}\` works on messages; a stream has none to ${name} (it cannot lose bytes)`, 'on a stream use `reset` to end the connection, or `chunk` to split it');
    const picked = selector(faults[name], [...at, name], report);
    if (picked) out[name] = picked;
  }
  if (faults.corrupt !== undefined) {
    const corrupt = faults.corrupt as unknown;
    if (isRecord(corrupt) && corrupt.at !== undefined) {
      const list = Array.isArray(corrupt.at) ? corrupt.at : [corrupt.at];
      const offsets = list.map((n, i) => count(n, Array.isArray(corrupt.at) ? [...at, 'corrupt', 'at', i] : [...at, 'corrupt', 'at'], report, 'a byte offset'));
      if (offsets.every((n) => n !== undefined)) out.corruptAt = offsets as number[];
    } else report([...at, 'corrupt'], 'must say which byte to flip', 'write `corrupt: { at: 10 }` (the offset in the direction, from 0), or a list `at: [10, 200]`');
  }
  if (faults.reset !== undefined) {
    const reset = faults.reset as unknown;
    if (type === 'dgram') report([...at, 'reset'], 'a datagram socket has no connection to reset', 'use `drop` to lose datagrams');
    if (isRecord(reset) && reset.afterBytes !== undefined) {
      const n = count(reset.afterBytes, [...at, 'reset', 'afterBytes'], report, 'a byte count');
      if (n !== undefined) out.resetAfterBytes = n;
    } else report([...at, 'reset'], 'must say when', 'write `reset: { afterBytes: 100 }` (0: at the first byte)');
  }
  if (faults.stall !== undefined) {
    const stall = faults.stall as unknown;
    if (isRecord(stall) && stall.for !== undefined) {
      const forMs = ms(stall.for, [...at, 'stall', 'for'], report);
      if (forMs !== undefined) out.stallForMs = forMs;
      const after = stall.after === undefined ? 0 : count(stall.after, [...at, 'stall', 'after'], report, 'a byte count');
      if (after !== undefined) out.stallAfterBytes = after;
    } else report([...at, 'stall'], 'must say for how long', 'write `stall: { after: 4096, for: 500ms }` (after that many bytes, stop reading for that long)');
  }
  if (faults.dropFds !== undefined) {
    const picked = selector(faults.dropFds, [...at, 'dropFds'], report);
    if (picked) out.dropFds = picked;
  }
  if (faults.truncateFds !== undefined) {
    const input = faults.truncateFds as unknown;
    const picked = selector(input, [...at, 'truncateFds'], report, ['keep']);
    if (picked) out.truncateFds = picked;
    out.truncateKeep = 0;
    if (isRecord(input) && input.keep !== undefined) {
      const keep = count(input.keep, [...at, 'truncateFds', 'keep'], report, 'a descriptor count');
      if (keep !== undefined) out.truncateKeep = keep;
    }
  }
  return out;
}

/** Whether a direction's faults draw on the seed (so the report must name it). */
export function usesSeed(faults: ProxyFaults): boolean {
  const selectors = [faults.delayWhen, faults.drop, faults.duplicate, faults.reorder, faults.dropFds, faults.truncateFds];
  return (faults.chunkMin !== undefined && faults.chunkMin !== faults.chunkMax) || (faults.jitterMs ?? 0) > 0 || selectors.some((s) => s?.rate !== undefined && s.rate < 1);
}
