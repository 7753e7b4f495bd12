// Sequence traffic: the wire format of `pattern: sequence` and the engine that sends and verifies it.
//
// The frame codec below is plain C (static inline, no allocation) so that the benchmark's C
// reference program (bench/reference.c) does exactly the same framing and verification work as
// the addon. The TypeScript reference codec (src/traffic/frame.ts) must stay byte-identical.
//
// Frame format v2, all fields little-endian:
//
//   off  size  field
//     0     4  magic    0x32534455 ("UDS2" in memory; the last byte is the format version, so a v1
//                       frame, magic "UDSQ", is refused as not a frame): tells a frame from garbage,
//                       and on a stream tells a lost frame boundary from a corrupt frame
//     4     4  sender   FNV-1a (32-bit, bytewise) of the sender's peer id
//     8     8  seq      0, 1, 2, ...; UINT64_MAX marks the END frame that closes a sender's stream
//    16     4  length   payload bytes that follow the header
//    20     4  check    word-FNV (below) over header bytes 0..20 and 24..32; an END frame's check
//                       also covers its payload
//    24     8  sentNs   CLOCK_MONOTONIC ns when the frame was built (one clock for every process
//                       on the machine, so the receiver measures one-way latency)
//    32     n  payload  data frame: the pattern of (sender, seq), below; END frame: u64 count then
//                       the sender's peer id in UTF-8
//
// A message of size N is one frame of N bytes (never less than the 32-byte header). Datagram and
// seqpacket sockets carry one frame per message; on a stream the frames follow each other and the
// receiver rebuilds the boundaries from `length`. The message size of data frame `seq` is
// deterministic (uds_frame_size), so a size range needs no coordination between the two ends.
//
// The pattern (new in v2): 32-bit word i of a data payload (the tail zero-padded, then cut) is
//   mix(key + i * 0x9e3779b9),   key = fmix32(sender ^ seq.lo * 0x9e3779b1 ^ seq.hi * 0x85ebca6b)
//   mix(c):  c ^= c >> 16;  c *= 0x85ebca6b;  c ^= c >> 13   (one multiply-xorshift round, mod 2^32)
// Every word depends only on (key, i), so the sender's fill and the receiver's compare run in vector
// lanes (v1 chained xorshift32 words, one serial step per word). The receiver compares
// the payload with the pattern of the (sender, seq) in the header, in one pass: a payload equal to
// its pattern is intact, so a data frame needs no payload checksum, and any changed payload bit is a
// mismatch ("checksum" in the report: the pattern is the payload's check). The header keeps its own
// check so a damaged sender, seq, length or sentNs is caught before the pattern is looked at.
//
// word-FNV is FNV-1a taken over 32-bit little-endian words instead of bytes (the tail zero-padded):
// each step is a bijection of the running hash, so any change confined to one word always changes
// the checksum: every single-bit flip of a header is caught.
#ifndef UDS_TRAFFIC_H
#define UDS_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "limits.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the sequence frame codec loads words in host order and assumes a little-endian host"
#endif

#define UDS_FRAME_MAGIC 0x32534455u
#define UDS_FRAME_VERSION 2u
#define UDS_FRAME_HEADER_BYTES 32u
#define UDS_FRAME_END_SEQ UINT64_MAX
/** Largest frame either end accepts; a larger length field on a stream means framing is lost. */
#define UDS_FRAME_MAX_BYTES UDS_LIMIT_MAX_MESSAGE_BYTES

#define UDS_FNV_BASIS 0x811c9dc5u
#define UDS_FNV_PRIME 0x01000193u

static inline uint32_t uds_load32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint64_t uds_load64(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static inline void uds_store32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }
static inline void uds_store64(uint8_t* p, uint64_t v) { memcpy(p, &v, 8); }

/** Bytewise FNV-1a: the sender number of a peer id. */
static inline uint32_t uds_fnv1a(const uint8_t* p, size_t n) {
  uint32_t h = UDS_FNV_BASIS;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * UDS_FNV_PRIME;
  return h;
}

static inline uint32_t uds_hash_words(const uint8_t* p, size_t n, uint32_t h) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) h = (h ^ uds_load32(p + i)) * UDS_FNV_PRIME;
  if (i < n) {
    uint8_t tail[4] = {0, 0, 0, 0};
    memcpy(tail, p + i, n - i);
    h = (h ^ uds_load32(tail)) * UDS_FNV_PRIME;
  }
  return h;
}

/** The header check: word-FNV over the header without its check field, then (END frames) the payload. */
static inline uint32_t uds_frame_check(const uint8_t* frame, size_t payloadBytes) {
  uint32_t h = uds_hash_words(frame, 20, UDS_FNV_BASIS);
  h = uds_hash_words(frame + 24, 8, h);
  if (uds_load64(frame + 8) == UDS_FRAME_END_SEQ) h = uds_hash_words(frame + UDS_FRAME_HEADER_BYTES, payloadBytes, h);
  return h;
}

/** The pattern key of data frame (sender, seq): murmur3's fmix32 of both. */
static inline uint32_t uds_pattern_key(uint32_t sender, uint64_t seq) {
  uint32_t h = sender ^ ((uint32_t)seq * 0x9e3779b1u) ^ ((uint32_t)(seq >> 32) * 0x85ebca6bu);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

#define UDS_PATTERN_STEP 0x9e3779b9u

/** Pattern word with counter c = key + i * UDS_PATTERN_STEP. */
static inline uint32_t uds_pattern_mix(uint32_t c) {
  c ^= c >> 16;
  c *= 0x85ebca6bu;
  return c ^ (c >> 13);
}

/* Blocks of 16 words, written as four 4-lane vectors (GCC and clang vector extensions: SSE2 or
 * SSE4.1 on x86-64, NEON on arm64; plain C elsewhere). The vector types are spelled out rather than
 * left to the auto-vectorizer: at -O2 GCC 12 vectorized the scalar 16-word loop, but at -O3 (what
 * node-gyp builds the addon with) it unrolled the loop first and then emitted one scalar multiply
 * per word, and the same codec ran at half the speed or less in the addon as in the C reference.
 * Lane arithmetic is the same mod 2^32 arithmetic as uds_pattern_mix: the bytes are identical. */
#define UDS_PATTERN_BLOCK 16u

#if defined(__GNUC__) || defined(__clang__)
#define UDS_PATTERN_VECTORS 1
typedef uint32_t uds_u32x4 __attribute__((vector_size(16)));

static inline uds_u32x4 uds_pattern_mix4(uds_u32x4 c) {
  c ^= c >> 16;
  c *= 0x85ebca6bu;
  return c ^ (c >> 13);
}
#endif

/* The baseline x86-64 target (SSE2) has no 32-bit lane multiply, so each mix() costs a few
 * shuffles; with GCC on glibc x86-64 the fill and the compare are also built for SSE4.1 (pmulld)
 * and the loader picks the version the CPU runs (an ifunc: musl and macOS have none, and keep the
 * one baseline version). The fill ran about 30 % faster in a micro-benchmark; results are identical.
 * On the same builds a CPU with AVX2 takes the 8-lane loops below for whole 128-byte blocks (best of
 * 3000 passes over a 64 KiB payload, 2-core AMD EPYC VM: fill 27 → 56 GiB/s, compare 21 → 42 GiB/s). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__)
#define UDS_CODEC_FUNCTION __attribute__((target_clones("sse4.1", "default"))) static
#define UDS_PATTERN_AVX2 1
#else
#define UDS_CODEC_FUNCTION static inline
#endif

#if defined(UDS_PATTERN_AVX2) && defined(UDS_PATTERN_VECTORS)
/* Where the CPU has AVX2 (checked at run time: the build targets baseline x86-64), the whole
 * 128-byte blocks go through 8-lane vectors, twice the words per instruction; the 4-lane loop then
 * does what is left. Only these two functions use AVX2 (a 32-byte vector never crosses a call
 * boundary built without it). */
typedef uint32_t uds_u32x8 __attribute__((vector_size(32)));

#define UDS_PATTERN_MIX8(v) ((v) ^= (v) >> 16, (v) *= 0x85ebca6bu, (v) ^= (v) >> 13)

static inline int uds_have_avx2(void) {
  __builtin_cpu_init();  // idempotent: the feature bits are read once per process
  return __builtin_cpu_supports("avx2");
}

/** Fills the whole 128-byte blocks of out[0, n) from counter c; returns the bytes filled. */
__attribute__((target("avx2"))) static size_t uds_fill_blocks_avx2(uint8_t* out, size_t n, uint32_t c) {
  const uds_u32x8 lane = {0, UDS_PATTERN_STEP, 2 * UDS_PATTERN_STEP, 3 * UDS_PATTERN_STEP, 4 * UDS_PATTERN_STEP, 5 * UDS_PATTERN_STEP, 6 * UDS_PATTERN_STEP, 7 * UDS_PATTERN_STEP};
  const uint32_t eighth = 8 * UDS_PATTERN_STEP;
  size_t i = 0;
  for (; i + 128 <= n; i += 128, c += 32 * UDS_PATTERN_STEP) {
    uds_u32x8 w0 = lane + c, w1 = w0 + eighth, w2 = w0 + 2 * eighth, w3 = w0 + 3 * eighth;
    UDS_PATTERN_MIX8(w0);
    UDS_PATTERN_MIX8(w1);
    UDS_PATTERN_MIX8(w2);
    UDS_PATTERN_MIX8(w3);
    memcpy(out + i, &w0, 32);
    memcpy(out + i + 32, &w1, 32);
    memcpy(out + i + 64, &w2, 32);
    memcpy(out + i + 96, &w3, 32);
  }
  return i;
}

/** Compares the whole 128-byte blocks of p[0, n) with the pattern from counter c, OR-ing every
 * difference into *diff; returns the bytes compared. */
__attribute__((target("avx2"))) static size_t uds_match_blocks_avx2(const uint8_t* p, size_t n, uint32_t c, uint32_t* diff) {
  const uds_u32x8 lane = {0, UDS_PATTERN_STEP, 2 * UDS_PATTERN_STEP, 3 * UDS_PATTERN_STEP, 4 * UDS_PATTERN_STEP, 5 * UDS_PATTERN_STEP, 6 * UDS_PATTERN_STEP, 7 * UDS_PATTERN_STEP};
  const uint32_t eighth = 8 * UDS_PATTERN_STEP;
  uds_u32x8 d = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 128 <= n; i += 128, c += 32 * UDS_PATTERN_STEP) {
    uds_u32x8 w0 = lane + c, w1 = w0 + eighth, w2 = w0 + 2 * eighth, w3 = w0 + 3 * eighth;
    UDS_PATTERN_MIX8(w0);
    UDS_PATTERN_MIX8(w1);
    UDS_PATTERN_MIX8(w2);
    UDS_PATTERN_MIX8(w3);
    uds_u32x8 r0, r1, r2, r3;
    memcpy(&r0, p + i, 32);
    memcpy(&r1, p + i + 32, 32);
    memcpy(&r2, p + i + 64, 32);
    memcpy(&r3, p + i + 96, 32);
    d |= (r0 ^ w0) | (r1 ^ w1) | (r2 ^ w2) | (r3 ^ w3);
  }
  *diff |= d[0] | d[1] | d[2] | d[3] | d[4] | d[5] | d[6] | d[7];
  return i;
}
#endif

UDS_CODEC_FUNCTION void uds_fill_pattern(uint8_t* out, size_t n, uint32_t sender, uint64_t seq) {
  uint32_t key = uds_pattern_key(sender, seq);
  uint32_t c = key;  // key + i * STEP for the word i at out + 4i
  size_t i = 0;
#if defined(UDS_PATTERN_AVX2) && defined(UDS_PATTERN_VECTORS)
  if (n >= 128 && uds_have_avx2()) {
    i = uds_fill_blocks_avx2(out, n, c);
    c += (uint32_t)(i / 4) * UDS_PATTERN_STEP;
  }
#endif
#ifdef UDS_PATTERN_VECTORS
  const uds_u32x4 lane = {0, UDS_PATTERN_STEP, 2 * UDS_PATTERN_STEP, 3 * UDS_PATTERN_STEP};
  const uint32_t quarter = 4 * UDS_PATTERN_STEP;
  for (; i + 4 * UDS_PATTERN_BLOCK <= n; i += 4 * UDS_PATTERN_BLOCK, c += UDS_PATTERN_BLOCK * UDS_PATTERN_STEP) {
    uds_u32x4 v = lane + c;
    uds_u32x4 w0 = uds_pattern_mix4(v);
    uds_u32x4 w1 = uds_pattern_mix4(v + quarter);
    uds_u32x4 w2 = uds_pattern_mix4(v + 2 * quarter);
    uds_u32x4 w3 = uds_pattern_mix4(v + 3 * quarter);
    memcpy(out + i, &w0, 16);
    memcpy(out + i + 16, &w1, 16);
    memcpy(out + i + 32, &w2, 16);
    memcpy(out + i + 48, &w3, 16);
  }
#else
  for (; i + 4 * UDS_PATTERN_BLOCK <= n; i += 4 * UDS_PATTERN_BLOCK, c += UDS_PATTERN_BLOCK * UDS_PATTERN_STEP) {
    uint32_t w[UDS_PATTERN_BLOCK];
    for (uint32_t j = 0; j < UDS_PATTERN_BLOCK; j++) w[j] = uds_pattern_mix(c + j * UDS_PATTERN_STEP);
    memcpy(out + i, w, sizeof w);
  }
#endif
  for (; i + 4 <= n; i += 4, c += UDS_PATTERN_STEP) uds_store32(out + i, uds_pattern_mix(c));
  if (i < n) {
    uint8_t tail[4];
    uds_store32(tail, uds_pattern_mix(c));
    memcpy(out + i, tail, n - i);
  }
}

/** 1 when the payload is exactly what (sender, seq) generates: one pass, checks and detects damage.
 * The differences of all blocks are OR-ed into one accumulator and tested once at the end: a test
 * per block made the compiler fold the vector to a scalar every 64 bytes (about half the speed at
 * -O3); an intact payload is read to its end either way, and the result is the same. */
UDS_CODEC_FUNCTION int uds_pattern_matches(const uint8_t* p, size_t n, uint32_t sender, uint64_t seq) {
  uint32_t key = uds_pattern_key(sender, seq);
  uint32_t c = key;
  size_t i = 0;
  uint32_t diff = 0;
#if defined(UDS_PATTERN_AVX2) && defined(UDS_PATTERN_VECTORS)
  if (n >= 128 && uds_have_avx2()) {
    i = uds_match_blocks_avx2(p, n, c, &diff);
    c += (uint32_t)(i / 4) * UDS_PATTERN_STEP;
  }
#endif
#ifdef UDS_PATTERN_VECTORS
  const uds_u32x4 lane = {0, UDS_PATTERN_STEP, 2 * UDS_PATTERN_STEP, 3 * UDS_PATTERN_STEP};
  const uint32_t quarter = 4 * UDS_PATTERN_STEP;
  uds_u32x4 d = {0, 0, 0, 0};
  for (; i + 4 * UDS_PATTERN_BLOCK <= n; i += 4 * UDS_PATTERN_BLOCK, c += UDS_PATTERN_BLOCK * UDS_PATTERN_STEP) {
    uds_u32x4 v = lane + c;
    uds_u32x4 w0, w1, w2, w3;
    memcpy(&w0, p + i, 16);
    memcpy(&w1, p + i + 16, 16);
    memcpy(&w2, p + i + 32, 16);
    memcpy(&w3, p + i + 48, 16);
    d |= (w0 ^ uds_pattern_mix4(v)) | (w1 ^ uds_pattern_mix4(v + quarter));
    d |= (w2 ^ uds_pattern_mix4(v + 2 * quarter)) | (w3 ^ uds_pattern_mix4(v + 3 * quarter));
  }
  diff |= d[0] | d[1] | d[2] | d[3];
#else
  for (; i + 4 * UDS_PATTERN_BLOCK <= n; i += 4 * UDS_PATTERN_BLOCK, c += UDS_PATTERN_BLOCK * UDS_PATTERN_STEP) {
    uint32_t w[UDS_PATTERN_BLOCK];
    memcpy(w, p + i, sizeof w);
    for (uint32_t j = 0; j < UDS_PATTERN_BLOCK; j++) diff |= w[j] ^ uds_pattern_mix(c + j * UDS_PATTERN_STEP);
  }
#endif
  if (diff != 0) return 0;
  for (; i + 4 <= n; i += 4, c += UDS_PATTERN_STEP) {
    if (uds_load32(p + i) != uds_pattern_mix(c)) return 0;
  }
  if (i < n) {
    uint8_t tail[4];
    uds_store32(tail, uds_pattern_mix(c));
    if (memcmp(p + i, tail, n - i) != 0) return 0;
  }
  return 1;
}

/** Size in bytes of data frame `seq`: spread over [min, max], the same at both ends. */
static inline uint32_t uds_frame_size(uint32_t sender, uint64_t seq, uint32_t min, uint32_t max) {
  if (min < UDS_FRAME_HEADER_BYTES) min = UDS_FRAME_HEADER_BYTES;
  if (max < min) max = min;
  if (min == max) return min;
  uint32_t h = sender ^ ((uint32_t)seq * 0xcc9e2d51u) ^ ((uint32_t)(seq >> 32) * 0x1b873593u);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return min + h % (max - min + 1u);
}

/** Writes the header; an END frame's payload must be in place first (its check covers it). */
static inline void uds_write_header(uint8_t* out, uint32_t sender, uint64_t seq, uint32_t payloadBytes, uint64_t sentNs) {
  uds_store32(out, UDS_FRAME_MAGIC);
  uds_store32(out + 4, sender);
  uds_store64(out + 8, seq);
  uds_store32(out + 16, payloadBytes);
  uds_store64(out + 24, sentNs);
  uds_store32(out + 20, uds_frame_check(out, payloadBytes));
}

/** Writes data frame `seq` of `size` bytes (>= the header) into `out`; returns its size. */
static inline size_t uds_encode_data(uint8_t* out, uint32_t sender, uint64_t seq, uint32_t size, uint64_t sentNs) {
  uint32_t payloadBytes = size - UDS_FRAME_HEADER_BYTES;
  uds_fill_pattern(out + UDS_FRAME_HEADER_BYTES, payloadBytes, sender, seq);
  uds_write_header(out, sender, seq, payloadBytes, sentNs);
  return size;
}

/** Writes the END frame announcing `count` data frames; `out` needs 40 + idBytes bytes. */
static inline size_t uds_encode_end(uint8_t* out, uint32_t sender, uint64_t count, const uint8_t* id, size_t idBytes, uint64_t sentNs) {
  uds_store64(out + UDS_FRAME_HEADER_BYTES, count);
  memcpy(out + UDS_FRAME_HEADER_BYTES + 8, id, idBytes);
  uds_write_header(out, sender, UDS_FRAME_END_SEQ, (uint32_t)(8 + idBytes), sentNs);
  return UDS_FRAME_HEADER_BYTES + 8 + idBytes;
}

enum uds_frame_status {
  UDS_VERIFY_OK = 0,
  UDS_VERIFY_SHORT,     // fewer bytes than a header
  UDS_VERIFY_MAGIC,    // not a frame
  UDS_VERIFY_LENGTH,    // the message is not as long as its header says (a boundary violation)
  UDS_VERIFY_CHECKSUM,  // header (its check) or payload (not the pattern of its sender and seq) changed
  UDS_VERIFY_END_SHORT  // an END frame too short to hold its count
};

/** Verifies one whole message (`bytes` long) as a frame. */
static inline enum uds_frame_status uds_verify_frame(const uint8_t* frame, size_t bytes) {
  if (bytes < UDS_FRAME_HEADER_BYTES) return UDS_VERIFY_SHORT;
  if (uds_load32(frame) != UDS_FRAME_MAGIC) return UDS_VERIFY_MAGIC;
  uint32_t payloadBytes = uds_load32(frame + 16);
  if ((uint64_t)payloadBytes + UDS_FRAME_HEADER_BYTES != bytes) return UDS_VERIFY_LENGTH;
  if (uds_load32(frame + 20) != uds_frame_check(frame, payloadBytes)) return UDS_VERIFY_CHECKSUM;
  uint64_t seq = uds_load64(frame + 8);
  if (seq == UDS_FRAME_END_SEQ) return payloadBytes >= 8 ? UDS_VERIFY_OK : UDS_VERIFY_END_SHORT;
  if (!uds_pattern_matches(frame + UDS_FRAME_HEADER_BYTES, payloadBytes, uds_load32(frame + 4), seq)) return UDS_VERIFY_CHECKSUM;
  return UDS_VERIFY_OK;
}

#endif  // UDS_TRAFFIC_H
