// Jest's functions: the injected globals when present, else @jest/globals (for suites that run
// with injectGlobals: false). Required lazily so importing this package outside Jest works.

import { CodedError } from '../errors/coded-error';

type JestApi = {
  expect: { extend(matchers: Record<string, unknown>): void };
  describe: (name: string, fn: () => void) => void;
  test: ((name: string, fn: () => Promise<void>, timeout?: number) => void) & {
    skip: (name: string, fn: () => void) => void;
  };
};

export function jestApi(): JestApi {
  const g = globalThis as unknown as Partial<JestApi>;
  if (g.expect && g.describe && g.test) return g as JestApi;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@jest/globals') as JestApi;
  } catch (cause) {
    throw new JestMissingError(cause);
  }
}

/** uds-fixture/jest was loaded where Jest is not: outside a test file, or in a project without Jest. */
export class JestMissingError extends CodedError<'ERR_JEST_MISSING'> {
  override readonly name = 'JestMissingError';

  constructor(cause: unknown) {
    super(
      'ERR_JEST_MISSING',
      'uds-fixture/jest registers Jest tests and matchers, so it works inside Jest only: import it from a test file that Jest runs ' +
        '(Jest is an optional peer dependency: npm install --save-dev jest). ' +
        'For Vitest import uds-fixture/vitest, for node:test uds-fixture/node-test, and for plain scripts runScenario() from uds-fixture.',
      { cause },
    );
  }
}
