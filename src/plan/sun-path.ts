import { SUN_PATH_BYTES_DARWIN, SUN_PATH_BYTES_LINUX } from '../limits/limits.generated';
import { SocketPathTooLongError } from './errors';

// sun_path is 108 bytes on Linux and 104 on macOS, NUL included (native/limits.h, checked against
// the system headers when the addon is built). Planning does not load the addon: it must work
// where the addon is not built yet.
const SUN_PATH_BYTES: Record<string, number> = { linux: SUN_PATH_BYTES_LINUX, darwin: SUN_PATH_BYTES_DARWIN };

/** Longest usable socket path in UTF-8 bytes, without the terminating NUL. */
export function sunPathLimit(platform: NodeJS.Platform = process.platform): number {
  return (SUN_PATH_BYTES[platform] ?? SUN_PATH_BYTES_DARWIN) - 1;
}

/**
 * Throws SocketPathTooLongError (code ERR_SOCKET_PATH_TOO_LONG) when `path` does not fit. An
 * abstract name has a leading NUL instead of a trailing one, so it gets the same limit. `fix`
 * replaces the temp-base advice where the temp base plays no part (a path the user wrote in full).
 */
export function checkSunPath(path: string, what = 'socket path', platform: NodeJS.Platform = process.platform, fix?: string): string {
  const bytes = Buffer.byteLength(path, 'utf8');
  const limit = sunPathLimit(platform);
  if (bytes > limit) throw new SocketPathTooLongError(path, bytes, limit, what, fix);
  return path;
}
