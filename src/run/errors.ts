// Errors of the run stage itself (not verdicts about the peers: those go into the result).

export type HarnessErrorCode = 'ERR_PACKAGE_ROOT_NOT_FOUND' | 'ERR_RUN_ABORTED';

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  readonly code: HarnessErrorCode;
  readonly value: string;

  constructor(code: HarnessErrorCode, value: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.value = value;
  }
}
