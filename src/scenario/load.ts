// Reading scenario files: YAML or JSON (JSON is read by the YAML parser too, so it gets positions).
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ScenarioError, type Problem } from './errors';
import { checkScenario, type CheckedScenario } from './normalize';
import { MAX_SCENARIO_FILE_BYTES, parseScenarioSource } from './source';
import type { Scenario } from './types';

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** How a file name is shown in problems: as the caller wrote it, with a NUL made visible. */
function shownName(file: string): string {
  return file.replace(/\0/g, '\\0');
}

function fileProblem(file: string, message: string, hint?: string): Problem {
  return { file: shownName(file), path: '', message, ...(hint !== undefined ? { hint } : {}) };
}

/** Problems that stop a file from being read at all, before its content is looked at. */
function preflight(file: string, size: () => number): { problems: Problem[]; cause?: unknown } {
  if (!(SCENARIO_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase())) {
    return { problems: [fileProblem(file, 'a scenario file ends in `.yaml`, `.yml` or `.json`')] };
  }
  if (file.includes('\0')) return { problems: [fileProblem(file, 'a file name cannot contain a NUL byte')] };
  try {
    const bytes = size();
    if (bytes > MAX_SCENARIO_FILE_BYTES) {
      return { problems: [fileProblem(file, `the file holds ${bytes} bytes; a scenario file may hold at most ${MAX_SCENARIO_FILE_BYTES} (8 MiB)`, 'put large payloads in separate files and use `file:`')] };
    }
    return { problems: [] };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return { problems: [fileProblem(file, `cannot read the scenario file: ${code}`, code === 'ENOENT' ? `no such file (looked at ${path.resolve(file)})` : undefined)], cause: error };
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
  throw new ScenarioError(checked.problems, { file: shownName(file), cause });
}

/** Reads, validates and normalizes a scenario file; throws ScenarioError with every problem. */
export async function loadScenario(file: string): Promise<Scenario> {
  const early = preflight(file, () => 0);
  if (early.problems.length > 0) return unwrap(early, file);
  let text: string;
  try {
    const info = await stat(file);
    const sized = preflight(file, () => info.size);
    if (sized.problems.length > 0) return unwrap(sized, file);
    text = await readFile(file, 'utf8');
  } catch (error) {
    return unwrap(preflight(file, () => { throw error; }), file, error);
  }
  return unwrap(checkScenarioText(text, file), file);
}

/** loadScenario for callers that must stay synchronous (test registration in Jest). */
export function loadScenarioSync(file: string): Scenario {
  const checked = preflight(file, () => statSync(file).size);
  if (checked.problems.length > 0) return unwrap(checked, file, checked.cause);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return unwrap(preflight(file, () => { throw error; }), file, error);
  }
  return unwrap(checkScenarioText(text, file), file);
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
