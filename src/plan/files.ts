import path from 'node:path';
import type { FileSpec } from '../scenario/types';
import { PlanError } from './errors';
import type { PlannedFile } from './types';

/** Where each declared file will be in the run directory (name → absolute path), names checked. */
export function declaredFilePaths(dir: string, files: Record<string, FileSpec>): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const name of Object.keys(files)) {
    // Names become file names in the run directory; a separator or a dot name would escape it
    // or collide with the harness's own files (.owner, .peer-*.json).
    if (name === '' || name.startsWith('.') || path.basename(name) !== name) {
      throw new PlanError('ERR_FILE_NAME', name, `files: name "${name}" cannot be a file name in the run directory; use letters, digits, - and _ (no / and no leading dot)`);
    }
    paths[name] = path.join(dir, name);
  }
  return paths;
}

/** The declared `files:` as the run writes them (with the scenario's mode, which peers may check). */
export function declaredFileWrites(paths: Record<string, string>, files: Record<string, FileSpec>): PlannedFile[] {
  return Object.entries(files).map(([name, spec]) => ({ path: paths[name]!, bytes: spec.bytes, mode: spec.mode ?? 0o644 }));
}
