import { CodedError } from '../errors/coded-error';

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
