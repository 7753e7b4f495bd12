// The sequence frame format lives with the traffic engine (native/traffic.h documents it; the
// TypeScript reference codec is src/traffic/frame.ts). Re-exported for the peer's users.
export { dataFrame, decodeEnd, decodeFrame, END_SEQ, endFrame, HEADER_BYTES, senderNumber } from '../traffic/frame';
import { spreadSize } from '../traffic/frame';

/** Sizes of one sender's messages in sequence order, spread over [min, max] (frames never go below HEADER_BYTES). */
export function sizeSequence(sender: number, min: number, max: number): () => number {
  let seq = 0n;
  return () => spreadSize(sender, seq++, min, max);
}
