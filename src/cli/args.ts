// Command-line parsing for every command (node:util parseArgs, strict: unknown options are
// usage errors that name the option).

import { parseArgs } from 'node:util';
import { parseDuration } from '../scenario';
import type { RunCommandOptions, Reporter } from './commands/run';
import { parseGrep, parseShard, SelectionError, type Selection } from '../select/select';
import { optionError, UsageError } from './usage-error';
import { parseProxyArgs, type ProxyCommandOptions } from './proxy-args';
import type { TimelineCommandOptions } from './commands/timeline';

export type Command =
  | { name: 'help'; topic: string; asked: boolean }
  | { name: 'version' }
  | { name: 'run'; options: RunCommandOptions }
  | { name: 'validate'; operands: string[] }
  | { name: 'list'; operands: string[]; selection: Selection }
  | { name: 'merge-reports'; operands: string[]; outDir?: string }
  | { name: 'schema' }
  | { name: 'proxy'; options: ProxyCommandOptions }
  | { name: 'timeline'; options: TimelineCommandOptions };

const REPORTERS: Reporter[] = ['pretty', 'json', 'junit'];
const COMMANDS = ['run', 'validate', 'list', 'schema', 'merge-reports', 'proxy', 'timeline'];

function selectionOf(values: { grep?: string; tag?: string[]; shard?: string }, command: string): Selection {
  try {
    return {
      grep: values.grep !== undefined ? parseGrep(values.grep) : undefined,
      tags: values.tag ?? [],
      shard: values.shard !== undefined ? parseShard(values.shard) : undefined,
    };
  } catch (err) {
    if (err instanceof SelectionError) throw new UsageError(err.message, command);
    throw err;
  }
}

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--jobs must be a whole number from 1 to 256; got '${text}'`, 'run');
  return n;
}

function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--timeout must be a duration like 500ms, 30s or 2m; got '${text}'`, 'run');
  }
}

export function parseCommandLine(argv: string[], defaultOperands: () => string[]): Command {
  const [name, ...rest] = argv;
  // no command at all is a usage error (the help goes to stderr, exit 2); asking for help is not
  if (name === undefined) return { name: 'help', topic: 'main', asked: false };
  if (name === '-h' || name === '--help' || name === 'help') return { name: 'help', topic: rest[0] ?? 'main', asked: true };
  if (name === '--version' || name === '-V' || name === 'version') return { name: 'version' };
  if (!COMMANDS.includes(name)) {
    throw new UsageError(`unknown command '${name}'; the commands are ${COMMANDS.join(', ')}`);
  }
  if (name === 'proxy') {
    const options = parseProxyArgs(rest);
    return options === 'help' ? { name: 'help', topic: 'proxy', asked: true } : { name: 'proxy', options };
  }
  if (name === 'timeline') return parseTimelineArgs(rest);
  const options = {
    help: { type: 'boolean', short: 'h' },
    reporter: { type: 'string', multiple: true },
    out: { type: 'string' },
    jobs: { type: 'string' },
    shard: { type: 'string' },
    grep: { type: 'string' },
    tag: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    timelines: { type: 'boolean' },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options,
    });
  } catch (err) {
    throw optionError(err, Object.keys(options), name);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help', topic: name, asked: true };
  // merge-reports has no default: the shards' report directories are for the user to name
  if (name === 'merge-reports') return { name: 'merge-reports', operands: positionals, outDir: values.out };
  const operands = positionals.length ? positionals : defaultOperands();
  switch (name) {
    case 'schema':
      return { name: 'schema' };
    case 'validate':
      return { name: 'validate', operands };
    case 'list':
      return { name: 'list', operands, selection: selectionOf(values, 'list') };
    default: {
      // The timelines are files; where files go is --out's to say (JSON and JUnit without it go to
      // standard output, a timeline cannot). Refused before anything runs, so nothing is lost.
      if (values.timelines && values.out === undefined) {
        throw new UsageError('--timelines writes the timelines of passed scenarios into the --out directory, and no --out was given; add --out DIR (e.g. --out reports)', 'run');
      }
      const reporters = (values.reporter ?? ['pretty']).flatMap((r) => r.split(',')) as Reporter[];
      for (const r of reporters) {
        if (!REPORTERS.includes(r)) throw new UsageError(`--reporter must be one of ${REPORTERS.join(', ')}; got '${r}'`, 'run');
      }
      return {
        name: 'run',
        options: {
          operands,
          selection: selectionOf(values, 'run'),
          reporters: [...new Set(reporters)],
          outDir: values.out,
          jobs: parseJobs(values.jobs),
          timeoutMs: parseTimeout(values.timeout),
          allTimelines: Boolean(values.timelines),
        },
      };
    }
  }
}

function parseTimelineArgs(args: string[]): Command {
  const options = { help: { type: 'boolean', short: 'h' }, html: { type: 'string' }, mermaid: { type: 'string' } } as const;
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (err) {
    throw optionError(err, Object.keys(options), 'timeline', { html: '--html timeline.html', mermaid: '--mermaid timeline.mmd' });
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help', topic: 'timeline', asked: true };
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'give the capture file to draw (written by uds-fixture proxy --capture FILE)' : `give one capture file; got ${positionals.length}: ${positionals.join(' ')}`, 'timeline');
  }
  return { name: 'timeline', options: { capture: positionals[0]!, ...(values.html !== undefined ? { html: values.html } : {}), ...(values.mermaid !== undefined ? { mermaid: values.mermaid } : {}) } };
}
