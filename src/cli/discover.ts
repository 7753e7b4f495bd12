// Turns command-line operands (files, directories, globs) into a sorted, de-duplicated list of
// scenario files. A directory means every *.scenario.yaml|yml|json below it.

import { statSync } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './usage-error';

export const SCENARIO_GLOB = '**/*.scenario.{yaml,yml,json}';

export async function discoverScenarioFiles(operands: string[], cwd = process.cwd()): Promise<string[]> {
  const found = new Set<string>();
  for (const operand of operands) {
    if (isDynamicPattern(operand)) {
      const matches = await glob(operand, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
      if (matches.length === 0) throw new UsageError(`no scenario file matches the pattern '${operand}'`, 'run');
      for (const m of matches) found.add(path.resolve(m));
      continue;
    }
    const abs = path.resolve(cwd, operand);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new UsageError(`'${operand}' does not exist (looked for ${abs})`, 'run');
    }
    if (!isDir) {
      found.add(abs);
      continue;
    }
    const matches = await glob(SCENARIO_GLOB, { cwd: abs, absolute: true, ignore: ['**/node_modules/**'] });
    // A mistyped or emptied directory must not pass a CI job by running nothing.
    if (matches.length === 0) throw new UsageError(`'${operand}' holds no *.scenario.yaml, *.scenario.yml or *.scenario.json file`, 'run');
    for (const m of matches) found.add(path.resolve(m));
  }
  return [...found].sort();
}
