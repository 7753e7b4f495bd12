import { SocketPathTooLongError } from './errors';

// sun_path is 108 bytes on Linux and 104 on macOS, NUL included. Planning does not load the
// native addon (it must work where the addon is not built yet), so the limits live here too.
const SUN_PATH_BYTES: Record<string, number> = { linux: 108, darwin: 104 };

/** Longest usable socket path in UTF-8 bytes, without the terminating NUL. */
export function sunPathLimit(platform: NodeJS.Platform = process.platform): number {
  return (SUN_PATH_BYTES[platform] ?? 104) - 1;
}

/**
 * Throws SocketPathTooLongError (code ERR_SOCKET_PATH_TOO_LONG) when `path` does not fit. An
 * abstract name has a leading NUL instead of a trailing one, so it gets the same limit.
 */
export function checkSunPath(path: string, what = 'socket path', platform: NodeJS.Platform = process.platform): string {
  const bytes = Buffer.byteLength(path, 'utf8');
  const limit = sunPathLimit(platform);
  if (bytes > limit) throw new SocketPathTooLongError(path, bytes, limit, what);
  return path;
}
