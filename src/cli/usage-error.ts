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
 * one (`--timout` → `--timeout`) or the list of them, instead of parseArgs's advice about `--`; an
 * option without its value says what the value looks like (`forms`: option → an example such as
 * `--chunk 1..7`).
 */
export function optionError(err: unknown, known: readonly string[], command?: string, forms: Readonly<Record<string, string>> = {}): UsageError {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(?:-[A-Za-z], )?(-{1,2}[A-Za-z0-9-]+)/.exec(message)?.[1];
    const form = option !== undefined ? forms[option.replace(/^-+/, '')] : undefined;
    const example = form !== undefined ? `, e.g. ${form}` : '';
    if (option !== undefined && /does not take an argument/.test(message)) return new UsageError(`${option} takes no value`, command);
    if (option !== undefined && /ambiguous/.test(message)) return new UsageError(`${option} needs a value${example} (a value that starts with '-' is written ${option}=VALUE)`, command);
    if (option !== undefined) return new UsageError(`${option} needs a value${example}`, command);
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const operand = /'([^']*)'/.exec(message)?.[1] ?? '';
    return new UsageError(`unexpected argument '${operand}': ${command ?? 'this command'} takes only options`, command);
  }
  const unknown = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^']+)'/.exec(message)?.[1] : undefined;
  if (unknown === undefined) return new UsageError(message, command);
  const near = closest(unknown.replace(/^-+/, ''), known);
  const hint = near !== undefined ? `did you mean --${near}?` : `the options are ${known.map((o) => `--${o}`).join(', ')}`;
  return new UsageError(`unknown option ${unknown}; ${hint}`, command);
}
