// Socket addresses in bytes, as the kernel counts them. sun_path holds 108 bytes on Linux and
// 104 on macOS, one of them the terminating NUL of a path; a Linux abstract name starts with a
// NUL and may use every byte after it. Too long is refused, never truncated.
import { SUN_PATH_BYTES_DARWIN, SUN_PATH_BYTES_LINUX } from '../limits/limits.generated';
import { SocketError, errnoOf } from './errors';

import type { UnixAddress } from './api';

/** Longest socket path in UTF-8 bytes: 107 on Linux, 103 on macOS. */
export const SUN_PATH_MAX: number = (process.platform === 'darwin' ? SUN_PATH_BYTES_DARWIN : SUN_PATH_BYTES_LINUX) - 1;

/** Longest Linux abstract name in bytes (after the leading NUL). */
export const ABSTRACT_NAME_MAX = SUN_PATH_BYTES_LINUX - 1;

/**
 * Throws SocketError 'ENAMETOOLONG' when `path` does not fit sun_path (counted in UTF-8 bytes),
 * and 'EINVAL' when it is empty or holds a NUL. `syscall` names the call it is checked for.
 */
export function checkSocketPath(path: string, syscall = 'bind'): void {
  if (path.length === 0 || path.includes('\0')) {
    throw new SocketError(
      { code: 'EINVAL', errno: errnoOf('EINVAL'), syscall, path },
      `${syscall} EINVAL ${JSON.stringify(path)}: a socket path must be non-empty and hold no NUL byte`,
    );
  }
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > SUN_PATH_MAX) {
    throw new SocketError(
      { code: 'ENAMETOOLONG', errno: errnoOf('ENAMETOOLONG'), syscall, path },
      `${syscall} ENAMETOOLONG ${path}: the path is ${bytes} bytes and sun_path holds at most ` +
        `${SUN_PATH_MAX} on ${process.platform}; use a shorter directory (paths are never truncated)`,
    );
  }
}

function checkAbstractName(name: string, syscall: string): void {
  if (process.platform !== 'linux') {
    throw new SocketError(
      { code: 'EAFNOSUPPORT', errno: errnoOf('EAFNOSUPPORT'), syscall, path: `@${name}` },
      `${syscall} EAFNOSUPPORT @${name}: abstract socket addresses exist only on Linux; use a path`,
    );
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > ABSTRACT_NAME_MAX) {
    throw new SocketError(
      { code: 'ENAMETOOLONG', errno: errnoOf('ENAMETOOLONG'), syscall, path: `@${name}` },
      `${syscall} ENAMETOOLONG @${name}: the abstract name is ${bytes} bytes and at most ` +
        `${ABSTRACT_NAME_MAX} fit after its leading NUL; use a shorter name`,
    );
  }
}

/** How an address appears in error messages: the path, or `@name` for an abstract one. */
export function describeAddress(address: UnixAddress): string {
  return typeof address === 'string' ? address : `@${address.abstract}`;
}

/** Validated bytes for the native layer: a path, or NUL + name for an abstract address. */
export function encodeAddress(address: UnixAddress, syscall: string): Buffer {
  if (typeof address === 'string') {
    checkSocketPath(address, syscall);
    return Buffer.from(address, 'utf8');
  }
  checkAbstractName(address.abstract, syscall);
  return Buffer.concat([Buffer.alloc(1), Buffer.from(address.abstract, 'utf8')]);
}

/** The kernel's address bytes back as an address; undefined for an unnamed socket. */
export function decodeAddress(bytes: Buffer): UnixAddress | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes[0] === 0) return { abstract: bytes.subarray(1).toString('utf8') };
  return bytes.toString('utf8');
}
