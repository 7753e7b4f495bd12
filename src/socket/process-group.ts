// Which process group a process is in (getpgid), for recognising the processes of a `run:` peer
// by the group the harness started it in.
import { binding } from './binding';
import { errnoOf, syscallError } from './errors';

/** The process group of `pid`; undefined when no such process exists (any more). */
export function processGroupOf(pid: number): number | undefined {
  const result = binding().processGroupOf(pid);
  if (result >= 0) return result;
  if (result === errnoOf('ESRCH')) return undefined;
  throw syscallError(result, 'getpgid');
}
