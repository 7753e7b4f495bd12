// Puts the reports of a sharded suite back together: the results.json of every shard (written by
// `uds-fixture run --reporter json --out DIR`) become one summary, from which the usual reports and
// an HTML index are written. Pure: reading and writing files is the command's job.

import type { ScenarioResult } from '../judge/result';
import { JSON_REPORT_VERSION } from './json';
import type { InvalidScenario, RunSummary } from './summary';
import { CodedError } from '../errors/coded-error';

/** One shard's results.json as `toJsonReport` writes it. */
export interface ShardReport {
  version: number;
  results: ScenarioResult[];
  invalid: InvalidScenario[];
  durationMs: number;
}

export class ReportMergeError extends CodedError<'ERR_REPORT_INVALID'> {
  override readonly name = 'ReportMergeError';

  constructor(
    readonly file: string,
    message: string,
  ) {
    super('ERR_REPORT_INVALID', `${file}: ${message}`);
  }
}

/** Checks that `data` (parsed from `file`) is a results.json this version can read. */
export function readShardReport(file: string, data: unknown): ShardReport {
  const report = data as Partial<ShardReport> | null;
  if (report === null || typeof report !== 'object') throw new ReportMergeError(file, 'is not a uds-fixture JSON report (an object with version and results)');
  if (report.version !== JSON_REPORT_VERSION) {
    throw new ReportMergeError(file, `is a report of version ${String(report.version)}; this uds-fixture reads version ${JSON_REPORT_VERSION}: merge with the version that wrote it`);
  }
  if (!Array.isArray(report.results) || !Array.isArray(report.invalid ?? [])) throw new ReportMergeError(file, 'has no `results` list');
  return { version: report.version, results: report.results, invalid: report.invalid ?? [], durationMs: typeof report.durationMs === 'number' ? report.durationMs : 0 };
}

/**
 * One summary of every shard. Shards are disjoint parts of one selection; a scenario file found in
 * two shards (the same selection run twice) is kept once, from the later shard, and said so.
 * The duration is the longest shard's: shards run side by side.
 */
export function mergeShardReports(shards: ShardReport[]): { summary: RunSummary; duplicates: string[] } {
  const byKey = new Map<string, ScenarioResult>();
  const duplicates: string[] = [];
  for (const shard of shards) {
    for (const result of shard.results) {
      const key = result.file ?? `name:${result.name}`;
      if (byKey.has(key)) duplicates.push(result.file ?? result.name);
      byKey.set(key, result);
    }
  }
  const invalid = new Map<string, InvalidScenario>();
  for (const shard of shards) for (const bad of shard.invalid) invalid.set(bad.file, bad);
  const results = [...byKey.values()].sort((a, b) => (a.file ?? a.name).localeCompare(b.file ?? b.name));
  return {
    summary: { results, invalid: [...invalid.values()], durationMs: Math.max(0, ...shards.map((s) => s.durationMs)) },
    duplicates,
  };
}
