// Descriptor-passing mismatches in words, numbered by message:
// "message #4711: descriptor 1 is not the file `log` (dev 2049 ino 123 expected, got dev 2049 ino 456)".
import type { FdMismatch } from './types';

export type RawFdMismatch = Omit<FdMismatch, 'text'>;

/** What the words need besides the mismatch itself. */
export interface FdMismatchContext {
  /** `sameFile` name per position, as the expectation called it */
  fileNames: (string | undefined)[];
  room: number;
  /** the expected data bytes, shown as `showBytes` shows them */
  expectedData?: string;
}

export function describeFdMismatch(m: RawFdMismatch, context: FdMismatchContext): string {
  const at = `message #${m.message}`;
  const which = `descriptor ${m.descriptor ?? '?'}`;
  switch (m.kind) {
    case 'file':
      return `${at}: ${which} is not the file \`${context.fileNames[(m.descriptor ?? 1) - 1] ?? '?'}\` (dev ${m.expectedDev} ino ${m.expectedIno} expected, got dev ${m.gotDev} ino ${m.gotIno})`;
    case 'type':
      return `${at}: ${which} is a ${m.gotType}, expected a ${m.expectedType}`;
    case 'mode':
      return `${at}: ${which} has mode ${octal(m.got ?? 0)}, expected ${octal(m.expected ?? 0)}`;
    case 'count':
      return `${at}: expected ${m.expected} descriptor${m.expected === 1 ? '' : 's'}, got ${m.got}`;
    case 'data':
      return `${at}: the data bytes that carried the descriptors differ; expected ${context.expectedData ?? '?'}, got ${m.gotData}`;
    case 'stat':
      return `${at}: ${which} cannot be examined: fstat failed with ${m.errno}`;
    case 'truncation':
      return m.truncated
        ? `${at}: the descriptors did not fit in room for ${context.room} (MSG_CTRUNC); declare \`truncated: true\` if that is the point, or give more room`
        : `${at}: expected the control data to be truncated (MSG_CTRUNC), but the descriptors fitted in room for ${context.room}`;
  }
}

/** Bytes as a message shows them: quoted text when printable, else hex; at most 64 bytes. */
export function showBytes(bytes: Buffer, total: number = bytes.length): string {
  const text = bytes.toString('utf8');
  const printable = Buffer.from(text, 'utf8').equals(bytes) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text);
  const more = total > bytes.length ? `… (${total} bytes)` : '';
  return (printable ? JSON.stringify(text) : `hex ${bytes.toString('hex')}`) + more;
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}
