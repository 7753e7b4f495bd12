// The base of every error uds-fixture throws on purpose: a stable `code` to test against (never
// the message), the message saying what to do, and the original error as `cause`. Subclasses add
// what their callers need (the offending value, a source position, the errno fields).

export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
