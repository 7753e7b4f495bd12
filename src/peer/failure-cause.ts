// What an errno means for the step that got it, said before the errno itself where the bare
// code misleads: ENOENT from `bind` reads like "no such socket", but bind makes the socket file;
// what is missing is a directory above it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Step } from '../scenario/types';

/** The first directory on the way to `file` that does not exist; undefined when its directory does. */
function missingDirectory(file: string): string | undefined {
  let missing: string | undefined;
  for (let dir = path.dirname(file); !existsSync(dir); dir = path.dirname(dir)) {
    missing = dir;
    if (path.dirname(dir) === dir) break;
  }
  return missing;
}

/** What went wrong and what to do, said before the errno, or undefined when the errno says it all. */
export function failureCause(step: Step, code: string | undefined): { cause: string; fix: string } | undefined {
  if (step.step !== 'bind' || code !== 'ENOENT' || step.path === undefined || step.path.startsWith('@')) return undefined;
  const missing = missingDirectory(step.path);
  if (missing === undefined) return undefined;
  return {
    cause: `the directory ${missing} does not exist, so \`bind\` cannot make ${step.path}`,
    fix: "create the directory first, or bind a relative name, which goes in the run's temp directory",
  };
}
