/* The limits that C and TypeScript both enforce, defined once. C reads this header; TypeScript
 * reads src/limits/limits.generated.ts, which scripts/gen-limits.mjs writes from the UDS_LIMIT_ lines
 * below (each `#define NAME value`: a number or a product of numbers; the comment above it becomes
 * the doc comment). __tests__/docs/limits.test.ts fails when the generated file is stale, or when
 * one of these values is written out as a literal anywhere else in src/ or native/. */
#ifndef UDS_LIMITS_H
#define UDS_LIMITS_H

/** SCM_MAX_FD on Linux: the most descriptors one message may carry. */
#define UDS_LIMIT_MAX_FDS_PER_MESSAGE 253

/** The largest message, frame, payload or declared file either end takes: 16 MiB. A sequence
 * frame's length field beyond it means the framing of a stream is lost. */
#define UDS_LIMIT_MAX_MESSAGE_BYTES (16u * 1024u * 1024u)

/** sizeof(sockaddr_un.sun_path) on Linux, its terminating NUL included (checked at compile time). */
#define UDS_LIMIT_SUN_PATH_BYTES_LINUX 108

/** sizeof(sockaddr_un.sun_path) on macOS, its terminating NUL included (checked at compile time). */
#define UDS_LIMIT_SUN_PATH_BYTES_DARWIN 104

#endif /* UDS_LIMITS_H */
