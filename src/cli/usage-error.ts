import { CodedError } from '../errors/coded-error';
import { closest } from '../scenario/suggest';

/** Bad command-line input: printed with the command's usage, exit status 2. */
export class UsageError extends CodedError<'ERR_USAGE'> {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super('ERR_USAGE', message);
    this.name = 'UsageError';
  }
}

export const EXIT = { passed: 0, failed: 1, badInput: 2, interrupted: 130 } as const;

/**
 * node:util parseArgs's error as a usage error: an unknown option is named with the closest known
 * one (`--timout` → `--timeout`) or the list of them, instead of parseArgs's advice about `--`.
 */
export function optionError(err: unknown, known: readonly string[], command?: string): UsageError {
  const e = err as { code?: string; message?: string };
  const unknown = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^']+)'/.exec(e.message ?? '')?.[1] : undefined;
  if (unknown === undefined) return new UsageError(e.message ?? String(err), command);
  const near = closest(unknown.replace(/^-+/, ''), known);
  const hint = near !== undefined ? `did you mean --${near}?` : `the options are ${known.map((o) => `--${o}`).join(', ')}`;
  return new UsageError(`unknown option ${unknown}; ${hint}`, command);
}
