// Which of the loaded scenarios a run takes: --grep, --tag, then --shard over what remains, so
// every shard of the same selection gets a stable, disjoint part. Shared by every face: the CLI's
// options and the test-framework suites' UDS_FIXTURE_SHARD select alike.

import { CodedError } from '../errors/coded-error';

/** A selection that cannot be understood; `source` names where it was written (`--shard`, `UDS_FIXTURE_SHARD`). */
export class SelectionError extends CodedError<'ERR_SELECTION'> {
  override readonly name = 'SelectionError';

  constructor(
    readonly source: string,
    message: string,
  ) {
    super('ERR_SELECTION', message);
  }
}

export interface Shard {
  index: number; // 1-based
  total: number;
}

export function parseShard(text: string, source = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new SelectionError(source, `${source} must be i/n with 1 <= i <= n, like 1/4; got '${text}'`);
  }
  return { index, total };
}

/** The environment variable that splits the scenario files of a test-framework suite (i/n). */
export const SHARD_ENV = 'UDS_FIXTURE_SHARD';

/** The shard UDS_FIXTURE_SHARD names, if it is set; a bad value is a SelectionError naming the variable. */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  const text = env[SHARD_ENV];
  return text ? parseShard(text, SHARD_ENV) : undefined;
}

export function parseGrep(text: string, source = '--grep'): RegExp {
  try {
    return new RegExp(text);
  } catch (err) {
    throw new SelectionError(source, `${source} '${text}' is not a valid regular expression: ${(err as Error).message}`);
  }
}

export interface Selectable {
  name: string;
  tags: string[];
}

export interface Selection {
  grep?: RegExp;
  tags: string[];
  shard?: Shard;
}

export function selectScenarios<T extends Selectable>(items: T[], selection: Selection): T[] {
  let out = items;
  if (selection.grep) out = out.filter((s) => selection.grep!.test(s.name));
  if (selection.tags.length) out = out.filter((s) => s.tags.some((t) => selection.tags.includes(t)));
  return selection.shard ? takeShard(out, selection.shard) : out;
}

/** The shard's part of a sorted list: every n-th item from the i-th, so parts are disjoint and stable. */
export function takeShard<T>(items: T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.total === shard.index - 1);
}
