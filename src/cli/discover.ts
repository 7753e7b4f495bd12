// Turns command-line operands (files, directories, globs) into a sorted, de-duplicated list of
// scenario files. A directory means every *.scenario.yaml|yml|json below it.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './usage-error';

const SCENARIO_GLOB = '**/*.scenario.{yaml,yml,json}';

const SCENARIO_NAME = /\.scenario\.(?:yaml|yml|json)$/;

/**
 * Entries below `dir` named like scenario files that are not regular files (a FIFO, a device, a
 * socket). The glob skips them silently; they are listed so the loader reports each as not a
 * regular file (it `stat`s them and never opens them), instead of a run passing without them.
 */
function specialEntries(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() || !SCENARIO_NAME.test(entry.name)) continue;
    const parent = (entry as { parentPath?: string }).parentPath ?? entry.path;
    if (path.relative(dir, parent).split(path.sep).includes('node_modules')) continue;
    found.push(path.join(parent, entry.name));
  }
  return found;
}

/** `command` names the command whose usage an error points to (`uds-fixture validate --help`). */
export async function discoverScenarioFiles(operands: string[], cwd = process.cwd(), command = 'run'): Promise<string[]> {
  const found = new Set<string>();
  for (const operand of operands) {
    if (isDynamicPattern(operand)) {
      const matches = await glob(operand, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
      if (matches.length === 0) throw new UsageError(`no scenario file matches the pattern '${operand}'`, command);
      for (const m of matches) found.add(path.resolve(m));
      continue;
    }
    const abs = path.resolve(cwd, operand);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new UsageError(`'${operand}' does not exist (looked for ${abs})`, command);
    }
    if (!isDir) {
      found.add(abs);
      continue;
    }
    const matches = [...(await glob(SCENARIO_GLOB, { cwd: abs, absolute: true, ignore: ['**/node_modules/**'] })), ...specialEntries(abs)];
    // A mistyped or emptied directory must not pass a CI job by running nothing.
    if (matches.length === 0) throw new UsageError(`'${operand}' holds no *.scenario.yaml, *.scenario.yml or *.scenario.json file`, command);
    for (const m of matches) found.add(path.resolve(m));
  }
  return [...found].sort();
}
