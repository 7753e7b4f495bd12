// Jest's functions: the injected globals when present, else @jest/globals (for suites that run
// with injectGlobals: false). Required lazily so importing this package outside Jest works.

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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@jest/globals') as JestApi;
}
