// On GitHub Actions, a Markdown summary of the run for the job page ($GITHUB_STEP_SUMMARY), with
// the Mermaid timeline of each failed scenario (GitHub renders ```mermaid blocks).

import type { RunSummary } from './summary';
import { countResults } from './summary';
import { timelineToMermaid } from './mermaid';

const MAX_DIAGRAMS = 10;

export function toGithubSummary(summary: RunSummary): string {
  const n = countResults(summary);
  const out = [`### uds-fixture: ${n.passed} passed, ${n.failed} failed${n.skipped ? `, ${n.skipped} skipped` : ''}${n.invalid ? `, ${n.invalid} invalid` : ''}`, ''];
  const failed = summary.results.filter((r) => !r.passed);
  for (const r of failed.slice(0, MAX_DIAGRAMS)) {
    out.push(`#### ✗ ${r.name}`, '');
    for (const f of r.failures) out.push(`- \`${f.code}\`${f.peer ? ` **${f.peer}**` : ''}: ${f.message.replace(/\n/g, ' ')}`);
    out.push('', '```mermaid', timelineToMermaid(r).trimEnd(), '```', '');
  }
  if (failed.length > MAX_DIAGRAMS) out.push(`…and ${failed.length - MAX_DIAGRAMS} more failed scenarios (see the JUnit/JSON reports).`, '');
  for (const bad of summary.invalid) out.push(`- invalid: \`${bad.file}\``);
  return out.join('\n') + '\n';
}
