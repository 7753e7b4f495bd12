// Bytes of a literal payload, with `${capture.X}` filled in when the step uses captures (only text
// payloads can name them: the loader looks for uses in `text`).
import type { CaptureUse, Payload } from '../../scenario/types';
import { resolveCaptures, substituteCaptures } from '../captures';
import type { StepProgress } from '../progress';
import type { PeerRuntime } from '../runtime';

export async function withCaptures(
  payload: Payload & { kind: 'bytes' },
  uses: readonly CaptureUse[] | undefined,
  stepIndex: number,
  peer: PeerRuntime,
  progress: StepProgress,
): Promise<Buffer> {
  const bytes = Buffer.from(payload.base64, 'base64');
  if (uses === undefined || payload.source !== 'text') return bytes;
  const values = await resolveCaptures(uses, stepIndex, peer, progress);
  return Buffer.from(substituteCaptures(bytes.toString('utf8'), values), 'utf8');
}
