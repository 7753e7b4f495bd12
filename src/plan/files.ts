import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileSpec } from '../scenario/types';
import { PlanError } from './errors';

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

/** Writes the declared `files:` into the run directory; returns name → absolute path. */
export async function writeDeclaredFiles(dir: string, files: Record<string, FileSpec>): Promise<Record<string, string>> {
  const written = declaredFilePaths(dir, files);
  for (const [name, spec] of Object.entries(files)) {
    const file = written[name]!;
    const mode = spec.mode ?? 0o644;
    await writeFile(file, spec.bytes, { mode, flag: 'wx' });
    // writeFile's mode passes through the umask; the scenario's mode is what peers will check.
    await chmod(file, mode);
  }
  return written;
}
