// Errors of the harness itself (not verdicts about the peers: those go into the result).

import { CodedError } from './coded-error';

export type HarnessErrorCode = 'ERR_PACKAGE_ROOT_NOT_FOUND' | 'ERR_RUN_ABORTED' | 'ERR_RUN_DIR_EXISTS';

export class HarnessError extends CodedError<HarnessErrorCode> {
  override readonly name = 'HarnessError';
  readonly value: string;

  constructor(code: HarnessErrorCode, value: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.value = value;
  }
}
