// Generated from native/limits.h by scripts/gen-limits.mjs: edit the header, then run
// `node scripts/gen-limits.mjs`. Do not edit.

/** SCM_MAX_FD on Linux: the most descriptors one message may carry. */
export const MAX_FDS_PER_MESSAGE = 253;

/** The largest message, frame, payload or declared file either end takes: 16 MiB. A sequence
 * frame's length field beyond it means the framing of a stream is lost. */
export const MAX_MESSAGE_BYTES = 16777216;

/** sizeof(sockaddr_un.sun_path) on Linux, its terminating NUL included (checked at compile time). */
export const SUN_PATH_BYTES_LINUX = 108;

/** sizeof(sockaddr_un.sun_path) on macOS, its terminating NUL included (checked at compile time). */
export const SUN_PATH_BYTES_DARWIN = 104;
