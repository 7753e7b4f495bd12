// Loads every discovered file; a file that fails to load becomes an `invalid` entry carrying the
// loader's positioned message, and the others go on.

import { loadScenario, ScenarioError } from '../scenario';
import type { Scenario } from '../scenario/types';
import type { InvalidScenario } from '../report';

export interface Loaded {
  scenarios: Scenario[];
  invalid: InvalidScenario[];
}

export async function loadAll(files: string[]): Promise<Loaded> {
  const scenarios: Scenario[] = [];
  const invalid: InvalidScenario[] = [];
  for (const file of files) {
    try {
      scenarios.push(await loadScenario(file));
    } catch (err) {
      const message = err instanceof ScenarioError ? err.format() : `${file}: ${(err as Error).message}`;
      invalid.push({ file, message });
    }
  }
  return { scenarios, invalid };
}
