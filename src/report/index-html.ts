// An HTML index of a (merged) run: counts, every scenario with its outcome and reasons, and links
// to the timelines of those that have one. Self-contained like the timelines.

import type { ScenarioResult } from '../judge/result';
import { escapeXml } from './escape';
import { countResults, type RunSummary } from './summary';

function outcome(result: ScenarioResult): string {
  if (result.skipped) return 'skipped';
  return result.passed ? 'passed' : 'failed';
}

/** `timelines` maps a result to its timeline page, relative to the index. */
export function runIndexHtml(summary: RunSummary, timelines: Map<ScenarioResult, string>): string {
  const counts = countResults(summary);
  const rows = summary.results.map((r) => {
    const link = timelines.get(r);
    const name = link ? `<a href="${escapeXml(link)}">${escapeXml(r.name)}</a>` : escapeXml(r.name);
    const why = r.failures.map((f) => `<li><b>${escapeXml(f.code)}</b>${f.peer ? ` [${escapeXml(f.peer)}]` : ''}: ${escapeXml(f.message)}</li>`).join('');
    return `<tr class="${outcome(r)}"><td>${outcome(r)}</td><td>${name}<div class="file">${escapeXml(r.file ?? '')}</div>${why ? `<ul>${why}</ul>` : ''}</td><td>${Math.round(r.durationMs)} ms</td></tr>`;
  });
  const invalid = summary.invalid.map((i) => `<tr class="failed"><td>invalid</td><td>${escapeXml(i.file)}<pre>${escapeXml(i.message)}</pre></td><td></td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>uds-fixture: ${counts.passed} passed, ${counts.failed} failed</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; }
table { border-collapse: collapse; width: 100%; }
td { border-top: 1px solid #ddd; padding: 6px 8px; vertical-align: top; }
tr.failed td:first-child { color: #b00020; font-weight: bold; }
tr.passed td:first-child { color: #1b7f3b; }
tr.skipped td:first-child { color: #777; }
.file { color: #666; font-size: 12px; }
ul { margin: 4px 0 0 16px; padding: 0; }
pre { white-space: pre-wrap; margin: 4px 0 0; }
</style></head><body>
<h1>${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.invalid} invalid</h1>
<table>${[...invalid, ...rows].join('\n')}</table>
</body></html>
`;
}
