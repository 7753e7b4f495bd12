// Errors of the socket layer. A failed syscall keeps its errno: `code` is the name Node uses
// ('ECONNREFUSED'), `errno` the negative number, `syscall` the call, `path` the address involved.
import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';
import { CodedError } from '../errors/coded-error';

import type { SocketErrorFields } from './api';

export class SocketError extends CodedError implements SocketErrorFields {
  readonly errno: number;
  readonly syscall: string;
  readonly path?: string;

  constructor(fields: SocketErrorFields, message?: string, options?: ErrorOptions) {
    super(fields.code, message ?? [fields.syscall, fields.code, fields.path].filter(Boolean).join(' '), options);
    this.name = 'SocketError';
    this.errno = fields.errno;
    this.syscall = fields.syscall;
    if (fields.path !== undefined) this.path = fields.path;
  }
}

/** Negative errno for a name known on this platform ('EINVAL' → -22 on Linux). */
export function errnoOf(code: keyof typeof constants.errno): number {
  return -constants.errno[code];
}

function nameOf(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return `Unknown system error ${errno}`;
  }
}

/** The error for a native result `-errno`, named like Node names it. */
export function syscallError(errno: number, syscall: string, path?: string, detail?: string): SocketError {
  const code = nameOf(errno);
  const base = [syscall, code, path].filter(Boolean).join(' ');
  return new SocketError({ code, errno, syscall, path }, detail ? `${base}: ${detail}` : base);
}

/** A pending operation that ended because its socket was closed. */
export function cancelledError(syscall: string, path?: string): SocketError {
  return syscallError(errnoOf('ECANCELED'), syscall, path, 'the socket was closed while the operation was pending');
}

/** Raised when neither a built addon (build/Release) nor a prebuilt one for this platform is there. */
export class AddonMissingError extends CodedError<'ERR_UDS_ADDON_MISSING'> {
  readonly addonPath: string;

  constructor(addonPath: string, options?: ErrorOptions) {
    super(
      'ERR_UDS_ADDON_MISSING',
      `uds-fixture has no native addon for ${process.platform}-${process.arch}: none was built at ${addonPath} and none of its prebuilt ones (prebuilds/) fits. ` +
        'Build it from the shipped sources: `npm rebuild uds-fixture` (it needs python3, make and a C/C++ compiler); ' +
        'with install scripts blocked (pnpm, or npm 11 before `npm install-scripts approve uds-fixture`), allow them first',
      options,
    );
    this.name = 'AddonMissingError';
    this.addonPath = addonPath;
  }
}
