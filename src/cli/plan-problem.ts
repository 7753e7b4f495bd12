// A PlanError (the scenario loads but cannot be planned: a program that is not there, a socket
// path too long for sun_path) shown like the loader's problems: `file:line:col: message`, the
// source line and a caret, when the error knows where its value was written.
import type { PlanError } from '../plan';
import { formatProblem, type Problem } from '../scenario';
import { MAX_SCENARIO_FILE_BYTES } from '../scenario/source';
import { readUserFileSync } from '../scenario/user-file';

/** The PlanError as a loader problem; `file` is the scenario file as the command names it. */
export function planProblem(err: PlanError, file: string): Problem {
  const message = `${err.code}: ${err.message}`;
  if (err.pos === undefined) return { file, path: '', message };
  const problem: Problem = { file, line: err.pos.line, col: err.pos.col, path: '', message };
  const read = readUserFileSync(err.pos.file, MAX_SCENARIO_FILE_BYTES);
  const source = read.ok ? read.bytes.toString('utf8').split('\n')[err.pos.line - 1] : undefined;
  if (source !== undefined) problem.source = source;
  return problem;
}

export function formatPlanError(err: PlanError, file: string): string {
  return formatProblem(planProblem(err, file));
}
