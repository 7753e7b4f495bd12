// Reading scenario files: YAML or JSON (JSON is read by the YAML parser too, so it gets positions).
import path from 'node:path';
import { ScenarioError, type Problem } from './errors';
import { checkScenario, type CheckedScenario } from './normalize';
import { MAX_SCENARIO_FILE_BYTES, parseScenarioSource } from './source';
import type { Scenario } from './types';
import { readUserFile, readUserFileSync, type UserFileRead } from './user-file';

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** How a file name is shown in problems: as the caller wrote it, with a NUL made visible. */
function shownName(file: string): string {
  return file.replace(/\0/g, '\\0');
}

function fileProblem(file: string, message: string, hint?: string): Problem {
  return { file: shownName(file), path: '', message, ...(hint !== undefined ? { hint } : {}) };
}

/** Problems that stop a file from being read at all, before anything is opened. */
function preflight(file: string): Problem[] {
  if (!(SCENARIO_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase())) {
    return [fileProblem(file, 'a scenario file ends in `.yaml`, `.yml` or `.json`')];
  }
  if (file.includes('\0')) return [fileProblem(file, 'a file name cannot contain a NUL byte')];
  return [];
}

/** The text of a scenario file, or the problem that stops it from being read. */
function textOf(file: string, read: UserFileRead): { text: string } | { problems: Problem[]; cause?: unknown } {
  if (read.ok) return { text: read.bytes.toString('utf8') };
  switch (read.reason) {
    case 'too-large':
      return {
        problems: [
          fileProblem(file, `the file holds ${read.size} bytes; a scenario file may hold at most ${MAX_SCENARIO_FILE_BYTES} (8 MiB)`, 'put large payloads in separate files and use `file:`'),
        ],
      };
    case 'not-regular':
      return { problems: [fileProblem(file, `the scenario file is ${read.kind}, not a regular file; it was not read`, 'name a regular .yaml, .yml or .json file')] };
    case 'error':
      return {
        problems: [fileProblem(file, `cannot read the scenario file: ${read.code}`, read.code === 'ENOENT' ? `no such file (looked at ${path.resolve(file)})` : undefined)],
        cause: read.error,
      };
  }
}

/** Problems (and the Scenario when there are none) of a scenario file's text. */
export function checkScenarioText(text: string, file: string): CheckedScenario {
  const absolute = path.resolve(file);
  const parsed = parseScenarioSource(text, shownName(file));
  if (parsed.problems.length > 0 || parsed.data === undefined) {
    return { problems: parsed.problems };
  }
  // Problems show the name as given; the Scenario and its step positions keep the absolute path.
  return checkScenario(parsed.data, { file: absolute, displayName: shownName(file), baseDir: path.dirname(absolute), positions: parsed.positions });
}

function unwrap(checked: CheckedScenario, file: string, cause?: unknown): Scenario {
  if (checked.scenario !== undefined) return checked.scenario;
  throw new ScenarioError(checked.problems, { file: shownName(file), cause, ...(checked.warnings ? { warnings: checked.warnings } : {}) });
}

function loadText(file: string, read: UserFileRead): Scenario {
  const got = textOf(file, read);
  if ('problems' in got) return unwrap({ problems: got.problems }, file, got.cause);
  return unwrap(checkScenarioText(got.text, file), file);
}

/** Reads, validates and normalizes a scenario file; throws ScenarioError with every problem. */
export async function loadScenario(file: string): Promise<Scenario> {
  const early = preflight(file);
  if (early.length > 0) return unwrap({ problems: early }, file);
  return loadText(file, await readUserFile(file, MAX_SCENARIO_FILE_BYTES));
}

/** loadScenario for callers that must stay synchronous (test registration in Jest). */
export function loadScenarioSync(file: string): Scenario {
  const early = preflight(file);
  if (early.length > 0) return unwrap({ problems: early }, file);
  return loadText(file, readUserFileSync(file, MAX_SCENARIO_FILE_BYTES));
}

/** What loadScenario finds, without throwing: the problems, the warnings, and the Scenario when there are no problems. */
export async function checkScenarioFile(file: string): Promise<CheckedScenario> {
  const early = preflight(file);
  if (early.length > 0) return { problems: early };
  const got = textOf(file, await readUserFile(file, MAX_SCENARIO_FILE_BYTES));
  if ('problems' in got) return { problems: got.problems };
  return checkScenarioText(got.text, file);
}

/** Every problem of a scenario file, without throwing: an empty list means it is valid. */
export async function validateScenarioFile(file: string): Promise<Problem[]> {
  try {
    await loadScenario(file);
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
}
