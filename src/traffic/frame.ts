// The TypeScript reference codec of sequence frames: byte for byte what native/traffic.h builds
// (the layout is documented there). The engine never uses it; tests hold the native codec to it,
// and it lets a test hand-craft frames (a wrong length, a flipped byte) the engine would not send.
import { MAX_MESSAGE_BYTES } from '../limits/limits.generated';

export const HEADER_BYTES = 32;
/** "UDS2" in memory: the last byte is the frame format version (2). */
export const FRAME_MAGIC = 0x32534455;
export const END_SEQ = 0xffff_ffff_ffff_ffffn;
export const MAX_FRAME_BYTES = MAX_MESSAGE_BYTES;

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Bytewise FNV-1a: the sender number of a peer id. */
export function fnv1a(bytes: Uint8Array): number {
  let h = FNV_BASIS;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME) >>> 0;
  return h;
}

export function senderNumber(id: string): number {
  return fnv1a(Buffer.from(id, 'utf8'));
}

function hashWords(bytes: Buffer, h: number): number {
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) h = Math.imul((h ^ bytes.readUInt32LE(i)) >>> 0, FNV_PRIME) >>> 0;
  if (i < bytes.length) {
    const tail = Buffer.alloc(4);
    bytes.copy(tail, 0, i);
    h = Math.imul((h ^ tail.readUInt32LE(0)) >>> 0, FNV_PRIME) >>> 0;
  }
  return h;
}

/** The header check: word-FNV over the header without its check field, then (END frames only) the payload. */
export function frameCheck(frame: Buffer): number {
  let h = hashWords(frame.subarray(0, 20), FNV_BASIS);
  h = hashWords(frame.subarray(24, HEADER_BYTES), h);
  if (frame.readBigUInt64LE(8) === END_SEQ) h = hashWords(frame.subarray(HEADER_BYTES), h);
  return h;
}

const PATTERN_STEP = 0x9e3779b9;

/** The pattern key of data frame (sender, seq): murmur3's fmix32 of both. */
function patternKey(sender: number, seq: bigint): number {
  const lo = Number(seq & 0xffff_ffffn);
  const hi = Number(seq >> 32n);
  let h = (sender ^ Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Pattern word i: a multiply-xorshift round of the counter key + i * PATTERN_STEP. */
function patternWord(key: number, i: number): number {
  let c = (key + Math.imul(i, PATTERN_STEP)) >>> 0;
  c = (c ^ (c >>> 16)) >>> 0;
  c = Math.imul(c, 0x85ebca6b) >>> 0;
  return (c ^ (c >>> 13)) >>> 0;
}

/** The payload of data frame (sender, seq). */
export function patternBytes(sender: number, seq: bigint, length: number): Buffer {
  const key = patternKey(sender, seq);
  const out = Buffer.alloc(length + 3);
  for (let i = 0; i * 4 < length; i++) out.writeUInt32LE(patternWord(key, i), i * 4);
  return out.subarray(0, length);
}

/** Size of data frame `seq` within [min, max] (never below the header), the same at both ends. */
export function frameSize(sender: number, seq: bigint, min: number, max: number): number {
  const floor = Math.max(min, HEADER_BYTES);
  return spreadSize(sender, seq, floor, Math.max(max, floor));
}

/** A number in [min, max] picked by (sender, seq): how frame sizes spread over their range. */
export function spreadSize(sender: number, seq: bigint, min: number, max: number): number {
  if (min >= max) return min;
  const lo = Number(seq & 0xffff_ffffn);
  const hi = Number(seq >> 32n);
  let h = (sender ^ Math.imul(lo, 0xcc9e2d51) ^ Math.imul(hi, 0x1b873593)) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return min + (h % (max - min + 1));
}

/** A frame around any payload (the check is computed over the header, and the payload of an END frame). */
export function encodeFrame(sender: number, seq: bigint, payload: Buffer, sentNs = 0n): Buffer {
  const frame = Buffer.alloc(HEADER_BYTES + payload.length);
  frame.writeUInt32LE(FRAME_MAGIC, 0);
  frame.writeUInt32LE(sender, 4);
  frame.writeBigUInt64LE(seq, 8);
  frame.writeUInt32LE(payload.length, 16);
  frame.writeBigUInt64LE(sentNs, 24);
  payload.copy(frame, HEADER_BYTES);
  frame.writeUInt32LE(frameCheck(frame), 20);
  return frame;
}

export function dataFrame(sender: number, seq: number | bigint, size: number, sentNs = 0n): Buffer {
  const n = BigInt(seq);
  return encodeFrame(sender, n, patternBytes(sender, n, Math.max(HEADER_BYTES, size) - HEADER_BYTES), sentNs);
}

export function endFrame(sender: number, count: number, id: string, sentNs = 0n): Buffer {
  const payload = Buffer.alloc(8 + Buffer.byteLength(id));
  payload.writeBigUInt64LE(BigInt(count), 0);
  payload.write(id, 8, 'utf8');
  return encodeFrame(sender, END_SEQ, payload, sentNs);
}

export type DecodedFrame = { ok: true; sender: number; seq: bigint; sentNs: bigint; payload: Buffer } | { ok: false; reason: string };

/** Verifies one whole message as a frame, in the order the engine does. */
export function decodeFrame(frame: Buffer): DecodedFrame {
  if (frame.length < HEADER_BYTES) return { ok: false, reason: `short frame (${frame.length} bytes, header is ${HEADER_BYTES})` };
  if (frame.readUInt32LE(0) !== FRAME_MAGIC) return { ok: false, reason: 'not a sequence frame (magic)' };
  const length = frame.readUInt32LE(16);
  if (length !== frame.length - HEADER_BYTES) return { ok: false, reason: `length field says ${length} payload bytes, frame has ${frame.length - HEADER_BYTES}` };
  if (frame.readUInt32LE(20) !== frameCheck(frame)) return { ok: false, reason: 'header checksum mismatch' };
  const sender = frame.readUInt32LE(4);
  const seq = frame.readBigUInt64LE(8);
  const payload = frame.subarray(HEADER_BYTES);
  if (seq !== END_SEQ && !payload.equals(patternBytes(sender, seq, payload.length))) return { ok: false, reason: 'checksum mismatch: payload is not the pattern of its sender and sequence number' };
  return { ok: true, sender, seq, sentNs: frame.readBigUInt64LE(24), payload };
}

export function decodeEnd(payload: Buffer): { count: number; id: string } {
  return { count: Number(payload.readBigUInt64LE(0)), id: payload.subarray(8).toString('utf8') };
}
