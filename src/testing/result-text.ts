// How a failed scenario reads in a test framework's output: every reason with its place in the
// file, the timeline around them, and the last lines of each peer's stderr. The same text for
// Jest's and Vitest's matchers and for node:test's assertion, so a red test explains itself the
// same way everywhere.

import type { ScenarioResult } from '../judge/result';
import { failureText } from '../report/failure-text';
import { timelineExcerpt } from './timeline-text';

export function isResult(value: unknown): value is ScenarioResult {
  return typeof value === 'object' && value !== null && 'passed' in value && 'failures' in value && 'timeline' in value;
}

export function notAResultText(name: string, value: unknown): string {
  return `${name}() expects the ScenarioResult that runScenario() resolves to; got ${typeof value === 'object' ? JSON.stringify(value)?.slice(0, 80) : String(value)}. Did you forget \`await\`?`;
}

/** The reasons, how the peers ended and the proxy's seed: the text the CLI and JUnit show (src/report/failure-text.ts). */
export function reasons(result: ScenarioResult): string {
  return failureText(result).join('\n');
}

function stderrTails(result: ScenarioResult): string {
  return result.peers
    .filter((p) => p.stderr.trim())
    .map((p) => `  ${p.id} stderr:\n${p.stderr.trimEnd().split('\n').slice(-8).map((l) => `    | ${l}`).join('\n')}`)
    .join('\n');
}

export function failedScenarioText(result: ScenarioResult): string {
  return [`scenario "${result.name}" failed:`, reasons(result), '', 'timeline:', timelineExcerpt(result), stderrTails(result)].filter((s) => s !== '').join('\n');
}
