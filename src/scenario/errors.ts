// What is wrong with a scenario, where, and what to write instead. Every problem of a file is
// collected before anything is thrown, so a user fixes them all in one round.

import { CodedError } from '../errors/coded-error';
import type { Problem } from './problem';

export type PathSegment = string | number;

export type { Problem };

/** `server.steps[2].send`; keys that are not plain words are quoted: `files["a.txt"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

// Scenario files may hold one very long line (a big `text:`); show a window around the column.
const EXCERPT_WIDTH = 120;

function excerpt(source: string, col: number): { text: string; caretCol: number } {
  if (source.length <= EXCERPT_WIDTH) return { text: source, caretCol: col };
  const start = Math.max(0, Math.min(col - 1 - EXCERPT_WIDTH / 2, source.length - EXCERPT_WIDTH));
  const prefix = start > 0 ? '…' : '';
  const suffix = start + EXCERPT_WIDTH < source.length ? '…' : '';
  return { text: prefix + source.slice(start, start + EXCERPT_WIDTH) + suffix, caretCol: col - start + prefix.length };
}

/** One problem, Hurl style: `file:line:col: message`, the source line, a caret, and the hint. */
export function formatProblem(problem: Problem): string {
  const where =
    problem.file !== undefined
      ? problem.line !== undefined
        ? `${problem.file}:${problem.line}:${problem.col ?? 1}: `
        : `${problem.file}: `
      : '';
  const at = problem.line === undefined && problem.path !== '' ? ` (at \`${problem.path}\`)` : '';
  const lines = [`${where}${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}${at}`];
  if (problem.source !== undefined && problem.line !== undefined) {
    const gutter = String(problem.line);
    const { text, caretCol } = excerpt(problem.source.replace(/\r$/, ''), problem.col ?? 1);
    // Keep tabs under tabs so the caret lines up whatever the terminal's tab width.
    const pad = text.slice(0, Math.max(0, caretCol - 1)).replace(/[^\t]/g, ' ');
    lines.push(`${gutter} | ${text}`, `${' '.repeat(gutter.length)} | ${pad}^`);
  }
  if (problem.hint !== undefined) lines.push(`hint: ${problem.hint}`);
  return lines.join('\n');
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n\n');
}

/** A scenario that cannot be used as written. `problems` lists everything found, in file order. */
export class ScenarioError extends CodedError<'ERR_SCENARIO_INVALID'> {
  readonly problems: Problem[];
  /** the scenario file, when there is one */
  readonly file?: string;
  /** what else in the file is probably a mistake (a warning, not a problem) */
  readonly warnings?: Problem[];

  constructor(problems: Problem[], options?: { file?: string; cause?: unknown; warnings?: Problem[] }) {
    // The whole list is the message: a test runner that prints only `message` still shows every problem.
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    const heading = options?.file !== undefined ? `invalid scenario ${options.file} (${count}):` : `invalid scenario (${count}):`;
    super('ERR_SCENARIO_INVALID', `${heading}\n${formatProblems(problems)}`, { cause: options?.cause });
    this.name = 'ScenarioError';
    this.problems = problems;
    if (options?.file !== undefined) this.file = options.file;
    if (options?.warnings !== undefined) this.warnings = options.warnings;
  }

  /** Every problem with its source line and a caret, as `uds-fixture validate` prints them. */
  format(): string {
    return formatProblems(this.problems);
  }
}

/** Sort problems into reading order: by file position, inline ones by path. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.path.localeCompare(b.path),
  );
}
