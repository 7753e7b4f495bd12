// Every socket address written in a scenario's steps checked at once against sun_path and the run
// directory, as the plan would resolve it. `validate` runs this on a scenario that also has other
// problems, so an overlong path shows up in the same round as a misspelt key, and lists every
// overlong path, where a plan stops at the first.
import path from 'node:path';
import type { WrittenAddress } from '../scenario/addresses';
import { PlanError } from './errors';
import { resolveStepAddress } from './peers';
import { newRunDirName, plannedRunBase } from './run-base';

/** The PlanErrors of `addresses`, each with the position of its value; an empty list when all fit. */
export function addressProblems(addresses: readonly WrittenAddress[], options: { tmpBase?: string } = {}): PlanError[] {
  const dir = path.join(plannedRunBase(options.tmpBase), newRunDirName());
  const errors: PlanError[] = [];
  for (const address of addresses) {
    // `${...}` has its value only in a plan; the plan checks it once the rest is valid.
    if (address.value.includes('${')) continue;
    try {
      resolveStepAddress(address.value, new Set(), { values: {}, unavailable: {} }, dir, address.where, address.allowOutside === true);
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      if (err.pos === undefined && address.pos !== undefined) err.pos = address.pos;
      errors.push(err);
    }
  }
  return errors;
}
