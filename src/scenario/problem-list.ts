// Collects the problems of one scenario with their positions, and remembers which parts failed
// the schema so later checks skip data whose shape is already known to be wrong.
import { formatPath, sortProblems, type PathSegment, type Problem } from './errors';
import type { PositionLookup } from './position-types';
import type { RawProblem } from './schema-errors';
import { withSource } from './source';

/** More than this many problems are summarised: the first ones are what a person fixes first. */
const MAX_PROBLEMS = 100;

export interface ProblemOptions {
  hint?: string | undefined;
  target?: 'key' | 'value';
}

export class ProblemList {
  private readonly list: Problem[] = [];
  private readonly warned: Problem[] = [];
  private readonly broken: string[] = [];

  constructor(
    private readonly file: string | undefined,
    private readonly positions: PositionLookup | undefined,
  ) {}

  add(path: readonly PathSegment[], message: string, options: ProblemOptions = {}): void {
    this.list.push(this.locate(path, message, options));
  }

  /** Valid input that is probably a mistake: reported, and the scenario still loads. */
  warn(path: readonly PathSegment[], message: string, options: ProblemOptions = {}): void {
    this.warned.push({ ...this.locate(path, message, options), severity: 'warning' });
  }

  private locate(path: readonly PathSegment[], message: string, options: ProblemOptions): Problem {
    const problem: Problem = { path: formatPath(path), message };
    if (this.file !== undefined) problem.file = this.file;
    const position = this.positions?.find(path, options.target ?? 'value');
    if (position !== undefined) {
      problem.line = position.line;
      problem.col = position.col;
    }
    if (options.hint !== undefined) problem.hint = options.hint;
    return withSource(problem, this.positions);
  }

  /** A schema problem: also marks its part of the data as not to be trusted. */
  addSchema(raw: RawProblem): void {
    this.add(raw.path, raw.message, { hint: raw.hint, target: raw.target });
    this.broken.push(formatPath(raw.subject ?? raw.path));
  }

  addExisting(problems: readonly Problem[]): void {
    this.list.push(...problems);
  }

  /** True when no schema problem lies at `path` or inside it. */
  isSound(path: readonly PathSegment[]): boolean {
    const at = formatPath(path);
    return !this.broken.some((b) => b === at || (b.startsWith(at) && (b[at.length] === '.' || b[at.length] === '[')));
  }

  /**
   * True when no schema problem lies at `path`, inside it, or around it. A later check (a proxy
   * fault against the socket type, a warning) runs on such a value even when its neighbours are
   * broken, so one round lists everything; a value with its own problem is left alone.
   */
  isClear(path: readonly PathSegment[]): boolean {
    if (!this.isSound(path)) return false;
    const at = formatPath(path);
    return !this.broken.some((b) => at.startsWith(b) && (b === '' || at[b.length] === '.' || at[b.length] === '['));
  }

  /** True when a problem was reported at `path` or inside it. */
  hasAt(path: readonly PathSegment[]): boolean {
    const at = formatPath(path);
    return this.list.some((p) => p.path === at || (p.path.startsWith(at) && (p.path[at.length] === '.' || p.path[at.length] === '[')));
  }

  get size(): number {
    return this.list.length;
  }

  /** The warnings, in reading order. */
  warnings(): Problem[] {
    return sortProblems(this.warned);
  }

  /** In reading order, at most MAX_PROBLEMS of them. */
  result(): Problem[] {
    const sorted = sortProblems(this.list);
    if (sorted.length <= MAX_PROBLEMS) return sorted;
    const kept = sorted.slice(0, MAX_PROBLEMS);
    kept.push({ ...(this.file !== undefined ? { file: this.file } : {}), path: '', message: `${sorted.length - MAX_PROBLEMS} more problems not shown` });
    return kept;
  }
}
