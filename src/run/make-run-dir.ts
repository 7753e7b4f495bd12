// What a run makes on disk before its peers start, in the order that keeps every promise of the
// temp base: the base checked (the default one made), stale run directories of dead harnesses
// swept, the run directory made at the planned path with its marker, then the planned files.
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PlanError } from '../plan/errors';
import type { PlannedRun } from '../plan/types';
import { reapStaleRunDirs } from './reaper';
import { createRunDir, prepareTmpBase, removeRunDir } from './run-dir';

/**
 * Makes the run directory of `plan` and everything planned in it. On failure nothing it made
 * remains, and what it did not make (an entry already at the planned path) is left alone.
 */
export async function makeRunDir(plan: PlannedRun): Promise<void> {
  const base = await prepareTmpBase(plan.tmpBase);
  // The plan counted sun_path bytes under the base as it resolved then; a base that resolves
  // elsewhere now (the env changed, a link was swapped) would put sockets where nobody checked.
  if (base !== path.dirname(plan.dir)) {
    throw new PlanError('ERR_TMP_BASE_UNSAFE', base, `temp base ${base} is not the directory ${path.dirname(plan.dir)} the run was planned in (it changed in between); plan the run again`);
  }
  await reapStaleRunDirs(base);
  await createRunDir(plan.dir);
  try {
    for (const file of plan.writes) {
      await writeFile(file.path, file.bytes, { mode: file.mode, flag: 'wx' });
      // writeFile's mode passes through the umask; the planned mode is what peers will check.
      await chmod(file.path, file.mode);
    }
  } catch (err) {
    await removeRunDir(plan.dir);
    throw err;
  }
}
