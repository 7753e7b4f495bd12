// What a whole CLI run produced: every result, and the files that could not be loaded.

import type { ScenarioResult } from '../judge/result';

export interface InvalidScenario {
  file: string;
  /** the loader's formatted problems (file:line:col lines) */
  message: string;
}

export interface RunSummary {
  results: ScenarioResult[];
  invalid: InvalidScenario[];
  durationMs: number;
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  invalid: number;
}

export function countResults(summary: RunSummary): Counts {
  const skipped = summary.results.filter((r) => r.skipped).length;
  const failed = summary.results.filter((r) => !r.passed).length;
  return {
    total: summary.results.length + summary.invalid.length,
    passed: summary.results.length - failed - skipped,
    failed,
    skipped,
    invalid: summary.invalid.length,
  };
}

/** A file-name-safe slug of a scenario name, unique within one run by a numeric suffix. */
export function slugger(): (name: string) => string {
  const used = new Map<string, number>();
  return (name) => {
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario';
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  };
}
