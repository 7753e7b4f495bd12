// A private, short temp directory per test file (socket paths must fit sun_path).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeTempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uds-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
