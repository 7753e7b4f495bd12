// The wire format of `pattern: sequence` traffic (little-endian):
//
//   u32 sender   FNV-1a of the sender's peer id
//   u64 seq      0, 1, 2... ; END_SEQ marks the sender's last frame
//   u32 length   payload bytes
//   u32 check    FNV-1a over the 16 header bytes above and the payload
//   payload      deterministic bytes from (sender, seq); an END frame carries u64 count + the id
//
// A message of size N is one frame of N bytes (at least the header). On stream sockets each frame
// is preceded by its u32 length so the receiver rebuilds message boundaries.

export const HEADER_BYTES = 20;
export const STREAM_PREFIX_BYTES = 4;
export const END_SEQ = 0xffff_ffff_ffff_ffffn;

export function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function senderNumber(id: string): number {
  return fnv1a(Buffer.from(id, 'utf8'));
}

export function encodeFrame(sender: number, seq: bigint, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32LE(sender, 0);
  frame.writeBigUInt64LE(seq, 4);
  frame.writeUInt32LE(payload.length, 12);
  payload.copy(frame, HEADER_BYTES);
  frame.writeUInt32LE(checksum(frame), 16);
  return frame;
}

export function dataFrame(sender: number, seq: number, size: number): Buffer {
  return encodeFrame(sender, BigInt(seq), patternBytes(sender, seq, Math.max(0, size - HEADER_BYTES)));
}

export function endFrame(sender: number, count: number, id: string): Buffer {
  const payload = Buffer.alloc(8 + Buffer.byteLength(id));
  payload.writeBigUInt64LE(BigInt(count), 0);
  payload.write(id, 8, 'utf8');
  return encodeFrame(sender, END_SEQ, payload);
}

export type DecodedFrame =
  | { ok: true; sender: number; seq: bigint; payload: Buffer }
  | { ok: false; reason: string };

export function decodeFrame(frame: Buffer): DecodedFrame {
  if (frame.length < HEADER_BYTES) return { ok: false, reason: `short frame (${frame.length} bytes, header is ${HEADER_BYTES})` };
  const length = frame.readUInt32LE(12);
  if (length !== frame.length - HEADER_BYTES) return { ok: false, reason: `length field says ${length} payload bytes, frame has ${frame.length - HEADER_BYTES}` };
  if (frame.readUInt32LE(16) !== checksum(frame)) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, sender: frame.readUInt32LE(0), seq: frame.readBigUInt64LE(4), payload: frame.subarray(HEADER_BYTES) };
}

export function decodeEnd(payload: Buffer): { count: number; id: string } {
  return { count: Number(payload.readBigUInt64LE(0)), id: payload.subarray(8).toString('utf8') };
}

function checksum(frame: Buffer): number {
  return fnv1a(frame.subarray(HEADER_BYTES), fnv1a(frame.subarray(0, 16)));
}

/** xorshift32 bytes seeded by sender and sequence number: cheap, and different for every frame. */
function patternBytes(sender: number, seq: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = (sender ^ Math.imul(seq + 1, 0x9e3779b1)) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Message sizes of one sender: deterministic per sender, spread over the range. */
export function sizeSequence(sender: number, min: number, max: number): () => number {
  let x = sender >>> 0 || 1;
  return () => {
    if (min === max) return min;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return min + (x % (max - min + 1));
  };
}
