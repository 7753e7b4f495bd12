// Human-readable text: one line per scenario, then for each failed one its reasons, where in the
// file to look, and the tail of each peer's stderr; then a summary with counts and time.

import type { ScenarioResult } from '../judge/result';
import type { Palette } from './color';
import { failureText } from './failure-text';
import { countResults, type RunSummary } from './summary';

const STDERR_TAIL_LINES = 12;

function stderrTail(text: string): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-STDERR_TAIL_LINES);
}

export function formatResultLine(result: ScenarioResult, c: Palette): string {
  const time = c.dim(`(${result.durationMs.toFixed(0)} ms)`);
  if (result.skipped) return `${c.yellow('○ skip')} ${result.name} ${c.dim(`— ${result.skipped}`)}`;
  return `${result.passed ? c.green('✓ pass') : c.red('✗ fail')} ${result.name} ${time}`;
}

export function formatFailureDetails(result: ScenarioResult, c: Palette, timelineFiles: readonly string[] = []): string[] {
  // The reasons, how the peers ended and the proxy's seed, as every face words them; then the
  // stderr tails and where the timeline pictures are, which only the terminal shows this way.
  const out: string[] = [c.bold(c.red(`✗ ${result.name}`)) + (result.file ? c.dim(`  ${result.file}`) : ''), ...failureText(result, c)];
  for (const p of result.peers) {
    if (!p.stderr.trim()) continue;
    out.push(c.dim(`  ${p.id} stderr (last lines):`));
    for (const line of stderrTail(p.stderr)) out.push(c.dim(`    | ${line}`));
  }
  if (timelineFiles.length) out.push(c.dim(`  timeline: ${timelineFiles.join('  ')}`));
  return out;
}

export interface PrettyOptions {
  /** where report files were written, to point the reader at them */
  reportFiles?: string[];
  /** each failed scenario's timeline files, named under its reasons */
  timelines?: ReadonlyMap<ScenarioResult, readonly string[]>;
  /**
   * Only what went wrong and the summary, without a line per scenario: for a run whose chosen
   * report is JSON or JUnit, which still tells the person at the terminal why it failed.
   */
  failuresOnly?: boolean;
}

export function toPretty(summary: RunSummary, c: Palette, options: PrettyOptions = {}): string {
  const lines: string[] = [];
  const failed = summary.results.filter((r) => !r.passed);
  if (!options.failuresOnly) {
    for (const r of summary.results) lines.push(formatResultLine(r, c));
    for (const bad of summary.invalid) lines.push(`${c.red('✗ invalid')} ${bad.file}`);
    if (failed.length || summary.invalid.length) lines.push('');
  }
  for (const r of failed) lines.push(...formatFailureDetails(r, c, options.timelines?.get(r)), '');
  for (const bad of summary.invalid) lines.push(bad.message, '');
  const n = countResults(summary);
  const parts = [
    n.passed ? c.green(`${n.passed} passed`) : `${n.passed} passed`,
    n.failed ? c.red(`${n.failed} failed`) : `${n.failed} failed`,
  ];
  if (n.skipped) parts.push(c.yellow(`${n.skipped} skipped`));
  if (n.invalid) parts.push(c.red(`${n.invalid} invalid`));
  lines.push(`${parts.join(', ')} ${c.dim(`(${n.total} scenario${n.total === 1 ? '' : 's'} in ${(summary.durationMs / 1000).toFixed(2)} s)`)}`);
  if (options.reportFiles?.length) {
    lines.push(c.dim('reports:'));
    for (const f of options.reportFiles) lines.push(c.dim(`  ${f}`));
  }
  return lines.join('\n') + '\n';
}
