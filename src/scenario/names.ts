// Names checked against what the system knows: errno codes and signals.
import { constants } from 'node:os';
import { closest } from './suggest';

const ERRNO_NAMES = Object.keys(constants.errno);
const SIGNAL_NAMES = Object.keys(constants.signals);

/** A hint for an unknown name: the closest known one, or where to look. */
function hintFor(written: string, known: readonly string[], reference: string): string {
  const near = closest(written, known, 2);
  return near !== undefined ? `did you mean \`${near}\`?` : `see ${reference}`;
}

/** Checked against this platform's errno table: a code this system cannot produce would never match. */
export function unknownErrno(name: string): { message: string; hint: string } | undefined {
  if (ERRNO_NAMES.includes(name)) return undefined;
  return { message: `\`${name}\` is not an errno code on ${process.platform}`, hint: hintFor(name, ERRNO_NAMES, '`man 3 errno`') };
}

export function unknownSignal(name: string): { message: string; hint: string } | undefined {
  if (SIGNAL_NAMES.includes(name)) return undefined;
  return { message: `\`${name}\` is not a signal on ${process.platform}`, hint: hintFor(name, SIGNAL_NAMES, '`kill -l`') };
}
