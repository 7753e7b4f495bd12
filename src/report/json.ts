// The full results as JSON, for tools: every result with its failures, peer outcomes and timeline.

import { countResults, type RunSummary } from './summary';

export const JSON_REPORT_VERSION = 1;

export function toJsonReport(summary: RunSummary): string {
  return JSON.stringify({ version: JSON_REPORT_VERSION, counts: countResults(summary), ...summary }, null, 2) + '\n';
}
