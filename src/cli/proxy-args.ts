// Command-line parsing of `uds-fixture proxy` (its options are its own: a `run` option given to
// `proxy`, or the other way round, is a usage error naming it). Fault options are checked here, in
// the command's own terms (`--chunk takes … e.g. --chunk 1..7`), before they become the faults the
// scenario form also gives; `--faults FILE` is in that form, and its problems name its keys.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

import type { SocketType } from '../socket/api';
import type { FaultSelectorInput, ProxyFaultsInput } from '../proxy/types';
import type { ProxyOptionsError } from '../proxy';
import { DELAY_PER } from '../scenario/types';
import type { DelayPer } from '../scenario/types';
import { durationMs, sizeRange } from '../scenario/units';
import { optionError, UsageError } from './usage-error';

export interface ProxyCommandOptions {
  listen: string;
  connect: string;
  type: SocketType;
  seed?: number;
  capturePath?: string;
  /** --faults FILE, whose keys name its problems */
  faultsFile?: string;
  quiet: boolean;
  toServer: ProxyFaultsInput;
  toClient: ProxyFaultsInput;
}

const TYPES: SocketType[] = ['stream', 'dgram', 'seqpacket'];

/** What each option's value looks like, for the errors that name it. */
const FORMS: Record<string, string> = {
  listen: '--listen /tmp/app.proxy',
  connect: '--connect /tmp/app.sock',
  type: '--type dgram',
  seed: '--seed 42',
  capture: '--capture out.jsonl',
  direction: '--direction to-server',
  faults: '--faults faults.yml',
  chunk: '--chunk 1 or --chunk 1..7',
  delay: '--delay 20ms',
  jitter: '--jitter 5ms',
  'delay-per': '--delay-per chunk',
  drop: '--drop 3, --drop 3,5, --drop 10% or --drop all',
  duplicate: '--duplicate 3, --duplicate 10% or --duplicate all',
  reorder: '--reorder 3, --reorder 10% or --reorder all',
  corrupt: '--corrupt 10 or --corrupt 10,200',
  reset: '--reset 100',
  stall: '--stall 4096:500ms',
  'drop-fds': '--drop-fds all',
  'truncate-fds': '--truncate-fds 1',
};

function usage(message: string): UsageError {
  return new UsageError(message, 'proxy');
}

// `3` or `3,5,8` are message numbers (from 1); `10%` a seeded rate; `all` every message.
function selectorArg(option: string, text: string): FaultSelectorInput {
  if (text === 'all') return true;
  const percent = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(text);
  if (percent) {
    const rate = Number(percent[1]) / 100;
    if (rate > 1) throw usage(`--${option} takes a rate from 0% to 100%; got '${text}'`);
    return { rate };
  }
  if (/^[0-9]+(,[0-9]+)*$/.test(text)) {
    const numbers = text.split(',').map(Number);
    if (numbers.includes(0)) throw usage(`--${option}: messages are numbered from 1 in each direction; got '${text}' (e.g. ${FORMS[option]})`);
    return { message: numbers };
  }
  throw usage(`--${option} takes message numbers (3 or 3,5), a rate (10%) or all, e.g. ${FORMS[option]}; got '${text}'`);
}

function wholeArg(option: string, text: string): number {
  // Past 2^53 a number is no longer exact: `--seed 9007199254740993` would run with another seed.
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) throw usage(`--${option} takes a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, e.g. ${FORMS[option]}; got '${text}'`);
  return Number(text);
}

// A duration as the scenario form takes it (a bare number is milliseconds).
function durationArg(option: string, text: string, example = FORMS[option]): string | number {
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : text;
  const parsed = durationMs(value);
  if (!parsed.ok) throw usage(`--${option} takes a duration in ms, s or m (a bare number is milliseconds), e.g. ${example}; got '${text}'`);
  return value;
}

function chunkArg(text: string): string {
  const parsed = sizeRange(text);
  if (!parsed.ok) throw usage(`--chunk takes a piece size in bytes from 1, or a range MIN..MAX, e.g. ${FORMS.chunk}; got '${text}'`);
  return text;
}

/** Which socket types each fault option works on, and why not on the others. */
const ONLY_ON: Record<string, { types: SocketType[]; why: (type: SocketType) => string }> = {
  chunk: { types: ['stream'], why: (type) => `it re-splits a byte stream; a ${type} socket keeps its message boundaries` },
  drop: { types: ['dgram', 'seqpacket'], why: () => 'a stream cannot lose bytes: on a stream use --reset N to end the connection, or --chunk 1..7 to split it' },
  duplicate: { types: ['dgram', 'seqpacket'], why: () => 'a stream has no messages to send twice' },
  reorder: { types: ['dgram', 'seqpacket'], why: () => 'a stream has no messages to reorder: use --chunk 1..7 to split it' },
  reset: { types: ['stream', 'seqpacket'], why: () => 'a datagram socket has no connection to reset: use --drop to lose datagrams' },
};

function checkType(option: string, type: SocketType): void {
  const rule = ONLY_ON[option];
  if (rule && !rule.types.includes(type)) throw usage(`--${option} works with --type ${rule.types.join(' or ')} only (${rule.why(type)}); this proxy is --type ${type}`);
}

// --delay-per chunk holds each piece of a --chunk re-split (a --faults file may give the chunk: it
// is checked there, by its keys).
function delayPerArg(text: string, type: SocketType, chunked: boolean): DelayPer {
  if (!(DELAY_PER as readonly string[]).includes(text)) throw usage(`--delay-per takes ${DELAY_PER.join(' or ')}, e.g. ${FORMS['delay-per']}; got '${text}'`);
  if (text === 'chunk' && type !== 'stream') throw usage(`--delay-per chunk works with --type stream only (it holds each piece of a --chunk re-split; a ${type} socket keeps its message boundaries); this proxy is --type ${type}`);
  if (text === 'chunk' && !chunked) throw usage('--delay-per chunk holds each piece of a --chunk re-split: give --chunk too, e.g. --chunk 1 --delay 20ms --delay-per chunk');
  return text as DelayPer;
}

// --faults FILE: YAML or JSON with toServer/toClient (and a seed), the scenario's `proxy:` form.
function faultsFile(file: string): { toServer?: ProxyFaultsInput; toClient?: ProxyFaultsInput; seed?: number } {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw usage(`--faults ${file}: ${e.code && e.syscall ? `cannot read it (${e.code})` : e.message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw usage(`--faults ${file}: must hold a map with toServer and/or toClient`);
  const { toServer, toClient, seed, ...rest } = parsed as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw usage(`--faults ${file}: unknown key '${unknown[0]}'; the keys are toServer, toClient and seed`);
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) {
    throw usage(`--faults ${file}: seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, e.g. seed: 42; got ${JSON.stringify(seed)}`);
  }
  return { toServer: toServer as ProxyFaultsInput, toClient: toClient as ProxyFaultsInput, ...(seed !== undefined ? { seed } : {}) };
}

/** A fault given both by an option and in --faults for the same direction: which one was meant is not for the proxy to guess. */
function checkNoTwice(file: string, fromFile: ProxyFaultsInput | undefined, flags: ProxyFaultsInput, direction: string): void {
  if (fromFile === null || typeof fromFile !== 'object') return;
  const both = Object.keys(flags).filter((key) => key in fromFile);
  if (both.length === 0) return;
  const option = both[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw usage(`--${option} and --faults ${file} both give ${direction}.${both[0]}; give it in one of them`);
}

/** Faults of --faults FILE the proxy cannot apply: each named by its key in that file. */
export function proxyOptionsUsage(err: ProxyOptionsError, options: Pick<ProxyCommandOptions, 'faultsFile'>): UsageError {
  const where = options.faultsFile !== undefined ? `--faults ${options.faultsFile}: ` : '';
  return usage(err.problems.map((p) => `${where}${p.at.join('.')}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n'));
}

export function parseProxyArgs(args: string[]): ProxyCommandOptions | 'help' {
  const options = {
    help: { type: 'boolean', short: 'h' },
    listen: { type: 'string' },
    connect: { type: 'string' },
    type: { type: 'string' },
    seed: { type: 'string' },
    capture: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    direction: { type: 'string' },
    faults: { type: 'string' },
    chunk: { type: 'string' },
    delay: { type: 'string' },
    jitter: { type: 'string' },
    'delay-per': { type: 'string' },
    drop: { type: 'string' },
    duplicate: { type: 'string' },
    reorder: { type: 'string' },
    corrupt: { type: 'string' },
    reset: { type: 'string' },
    stall: { type: 'string' },
    'drop-fds': { type: 'string' },
    'truncate-fds': { type: 'string' },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options,
    });
  } catch (err) {
    throw optionError(err, Object.keys(options), 'proxy', FORMS);
  }
  const values = parsed.values;
  if (values.help) return 'help';
  if (values.listen === undefined || values.connect === undefined) throw usage('proxy needs --listen PATH (where clients connect) and --connect PATH (the server)');
  const type = (values.type ?? 'stream') as SocketType;
  if (!TYPES.includes(type)) throw usage(`--type must be one of ${TYPES.join(', ')}; got '${values.type}'`);
  const direction = values.direction ?? 'both';
  if (!['both', 'to-server', 'to-client'].includes(direction)) throw usage(`--direction must be both, to-server or to-client; got '${direction}'`);
  for (const option of Object.keys(ONLY_ON)) if (values[option as keyof typeof values] !== undefined) checkType(option, type);
  const faults: ProxyFaultsInput = {};
  if (values.chunk !== undefined) faults.chunk = chunkArg(values.chunk);
  if (values.delay !== undefined) {
    const time = durationArg('delay', values.delay);
    const per = values['delay-per'] !== undefined ? delayPerArg(values['delay-per'], type, values.chunk !== undefined || values.faults !== undefined) : undefined;
    faults.delay = values.jitter !== undefined || per !== undefined ? { time, ...(values.jitter !== undefined ? { jitter: durationArg('jitter', values.jitter) } : {}), ...(per !== undefined ? { per } : {}) } : time;
  } else if (values.jitter !== undefined) throw usage('--jitter goes with --delay, e.g. --delay 20ms --jitter 5ms');
  else if (values['delay-per'] !== undefined) throw usage('--delay-per goes with --delay, e.g. --chunk 1 --delay 20ms --delay-per chunk');
  if (values.drop !== undefined) faults.drop = selectorArg('drop', values.drop);
  if (values.duplicate !== undefined) faults.duplicate = selectorArg('duplicate', values.duplicate);
  if (values.reorder !== undefined) faults.reorder = selectorArg('reorder', values.reorder);
  if (values['drop-fds'] !== undefined) faults.dropFds = selectorArg('drop-fds', values['drop-fds']);
  if (values['truncate-fds'] !== undefined) faults.truncateFds = { keep: wholeArg('truncate-fds', values['truncate-fds']) };
  if (values.corrupt !== undefined) faults.corrupt = { at: values.corrupt.split(',').map((t) => wholeArg('corrupt', t)) };
  if (values.reset !== undefined) faults.reset = { afterBytes: wholeArg('reset', values.reset) };
  if (values.stall !== undefined) {
    const match = /^([0-9]+):(.+)$/.exec(values.stall);
    if (!match) throw usage(`--stall takes AFTER_BYTES:DURATION, e.g. ${FORMS.stall}; got '${values.stall}'`);
    faults.stall = { after: Number(match[1]), for: durationArg('stall', match[2]!, FORMS.stall) };
  }
  if (path.resolve(values.listen) === path.resolve(values.connect)) {
    throw usage(`--connect ${values.connect} is the --listen path itself: every connection would be forwarded to the proxy again, without end; give --connect the server's path`);
  }
  const fromFile = values.faults !== undefined ? faultsFile(values.faults) : {};
  const hasFlags = Object.keys(faults).length > 0;
  if (values.faults !== undefined && hasFlags) {
    if (direction !== 'to-client') checkNoTwice(values.faults, fromFile.toServer, faults, 'toServer');
    if (direction !== 'to-server') checkNoTwice(values.faults, fromFile.toClient, faults, 'toClient');
  }
  if (values.seed !== undefined && fromFile.seed !== undefined) throw usage(`--seed and --faults ${values.faults} both give the seed; give it in one of them`);
  const seed = values.seed !== undefined ? wholeArg('seed', values.seed) : fromFile.seed;
  return {
    listen: values.listen,
    connect: values.connect,
    type,
    ...(seed !== undefined ? { seed } : {}),
    ...(values.capture !== undefined ? { capturePath: values.capture } : {}),
    ...(values.faults !== undefined ? { faultsFile: values.faults } : {}),
    quiet: Boolean(values.quiet),
    toServer: { ...fromFile.toServer, ...(hasFlags && direction !== 'to-client' ? faults : {}) },
    toClient: { ...fromFile.toClient, ...(hasFlags && direction !== 'to-server' ? faults : {}) },
  };
}
