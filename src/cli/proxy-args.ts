// Command-line parsing of `uds-fixture proxy` (its options are its own: a `run` option given to
// `proxy`, or the other way round, is a usage error naming it).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

import type { SocketType } from '../socket/api';
import type { FaultSelectorInput, ProxyFaultsInput } from '../proxy/types';
import { optionError, UsageError } from './usage-error';

export interface ProxyCommandOptions {
  listen: string;
  connect: string;
  type: SocketType;
  seed?: number;
  capturePath?: string;
  quiet: boolean;
  toServer: ProxyFaultsInput;
  toClient: ProxyFaultsInput;
}

const TYPES: SocketType[] = ['stream', 'dgram', 'seqpacket'];

// `3` or `3,5,8` are message numbers; `10%` a seeded rate; `all` every message.
function selectorArg(option: string, text: string): FaultSelectorInput {
  if (text === 'all') return true;
  const percent = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(text);
  if (percent) return { rate: Number(percent[1]) / 100 };
  if (/^[0-9]+(,[0-9]+)*$/.test(text)) return { message: text.split(',').map(Number) };
  throw new UsageError(`--${option} takes message numbers (3 or 3,5), a rate (10%) or all; got '${text}'`, 'proxy');
}

function wholeArg(option: string, text: string): number {
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`--${option} must be a whole number; got '${text}'`, 'proxy');
  return Number(text);
}

// --faults FILE: YAML or JSON with toServer/toClient, the scenario's `proxy:` form.
function faultsFile(file: string): { toServer?: ProxyFaultsInput; toClient?: ProxyFaultsInput } {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--faults ${file}: ${(err as Error).message}`, 'proxy');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--faults ${file}: must hold a map with toServer and/or toClient`, 'proxy');
  const { toServer, toClient, ...rest } = parsed as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new UsageError(`--faults ${file}: unknown key '${unknown[0]}'; the keys are toServer and toClient`, 'proxy');
  return { toServer: toServer as ProxyFaultsInput, toClient: toClient as ProxyFaultsInput };
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
    throw optionError(err, Object.keys(options), 'proxy');
  }
  const values = parsed.values;
  if (values.help) return 'help';
  if (values.listen === undefined || values.connect === undefined) throw new UsageError('proxy needs --listen PATH (where clients connect) and --connect PATH (the server)', 'proxy');
  const type = (values.type ?? 'stream') as SocketType;
  if (!TYPES.includes(type)) throw new UsageError(`--type must be one of ${TYPES.join(', ')}; got '${values.type}'`, 'proxy');
  const direction = values.direction ?? 'both';
  if (!['both', 'to-server', 'to-client'].includes(direction)) throw new UsageError(`--direction must be both, to-server or to-client; got '${direction}'`, 'proxy');
  const faults: ProxyFaultsInput = {};
  if (values.chunk !== undefined) faults.chunk = values.chunk;
  if (values.delay !== undefined) faults.delay = values.jitter !== undefined ? { time: values.delay, jitter: values.jitter } : values.delay;
  else if (values.jitter !== undefined) throw new UsageError('--jitter goes with --delay', 'proxy');
  if (values.drop !== undefined) faults.drop = selectorArg('drop', values.drop);
  if (values.duplicate !== undefined) faults.duplicate = selectorArg('duplicate', values.duplicate);
  if (values.reorder !== undefined) faults.reorder = selectorArg('reorder', values.reorder);
  if (values['drop-fds'] !== undefined) faults.dropFds = selectorArg('drop-fds', values['drop-fds']);
  if (values['truncate-fds'] !== undefined) faults.truncateFds = { keep: wholeArg('truncate-fds', values['truncate-fds']) };
  if (values.corrupt !== undefined) faults.corrupt = { at: values.corrupt.split(',').map((t) => wholeArg('corrupt', t)) };
  if (values.reset !== undefined) faults.reset = { afterBytes: wholeArg('reset', values.reset) };
  if (values.stall !== undefined) {
    const match = /^([0-9]+):(.+)$/.exec(values.stall);
    if (!match) throw new UsageError(`--stall takes AFTER_BYTES:DURATION, e.g. 4096:500ms; got '${values.stall}'`, 'proxy');
    faults.stall = { after: Number(match[1]), for: match[2]! };
  }
  const fromFile = values.faults !== undefined ? faultsFile(values.faults) : {};
  const hasFlags = Object.keys(faults).length > 0;
  return {
    listen: values.listen,
    connect: values.connect,
    type,
    ...(values.seed !== undefined ? { seed: wholeArg('seed', values.seed) } : {}),
    ...(values.capture !== undefined ? { capturePath: values.capture } : {}),
    quiet: Boolean(values.quiet),
    toServer: { ...fromFile.toServer, ...(hasFlags && direction !== 'to-client' ? faults : {}) },
    toClient: { ...fromFile.toClient, ...(hasFlags && direction !== 'to-server' ? faults : {}) },
  };
}
