// Captures at run time: a `recv` that declares them records the values it read (and its `recv`
// event carries them to every other peer); a step that uses `${capture.X}` takes the value from
// this peer or from the relayed events, waiting (within its timeout) for the step that sets it.
import type { CaptureUse, RecvMatcher } from '../scenario/types';
import { CAPTURE_USE } from '../scenario/captures';
import { StepFailure } from './errors';
import { peerMatches } from './event-log';
import type { StepProgress } from './progress';
import type { PeerRuntime } from './runtime';

/** The values a matched message gives: named groups of `match`, JSON paths of `capture`. */
export function capturedValues(matcher: RecvMatcher | undefined, capture: Record<string, string> | undefined, got: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  const text = got.toString('utf8');
  if (matcher?.kind === 'match') {
    const groups = new RegExp(matcher.regex).exec(text)?.groups ?? {};
    for (const [name, value] of Object.entries(groups)) if (value !== undefined) out[name] = value;
  }
  if (capture !== undefined) {
    const value: unknown = JSON.parse(text);
    for (const [name, path] of Object.entries(capture)) {
      const found = atJsonPath(value, path);
      if (found !== undefined) out[name] = typeof found === 'string' ? found : JSON.stringify(found);
    }
  }
  return out;
}

function atJsonPath(value: unknown, path: string): unknown {
  let here = value;
  for (const m of path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    const key = m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string));
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string | number, unknown>)[key];
  }
  return here;
}

/** The value of every capture `uses` names; waits for captures another peer has yet to set. */
export async function resolveCaptures(uses: readonly CaptureUse[] | undefined, stepIndex: number, peer: PeerRuntime, progress: StepProgress): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const use of uses ?? []) values.set(use.name, await captureValue(use, stepIndex, peer, progress));
  return values;
}

async function captureValue(use: CaptureUse, stepIndex: number, peer: PeerRuntime, progress: StepProgress): Promise<string> {
  const setter = `${use.peer}'s step ${use.step + 1} (recv${use.line !== undefined ? `, line ${use.line}` : ''})`;
  const local = peer.captures.get(use.name);
  if (local !== undefined) return local;
  const mine = peerMatches(use.peer, peer.launch.id);
  if (mine && use.peer === peer.launch.id) {
    // This peer sets it itself: that step already ran and did not set it, or it comes later.
    throw unset(use, setter, use.step < stepIndex ? 'it ran but its match gave no value for it (an optional group that did not take part, or a JSON path with nothing there)' : 'it comes after this step in the same peer');
  }
  progress.waitingFor(() => `\${capture.${use.name}}, which ${setter} sets`);
  const found = await peer.log.until(() => relayed(peer, use) ?? (setterEnded(peer, use) ? null : undefined));
  if (found === null) {
    const again = relayed(peer, use); // the value may come in the same batch of events as the end
    if (again !== undefined) return again;
    throw unset(use, setter, `${use.peer} ended without setting it`);
  }
  return found;
}

/**
 * `waitFor: { capture, value }`: until the capture is set (to `value`, when given). A value it had
 * counts even if a later `recv` changed it, so the verdict does not hang on when this peer looked.
 */
export async function awaitCapture(use: CaptureUse, value: string | undefined, stepIndex: number, peer: PeerRuntime, progress: StepProgress): Promise<string> {
  const setter = `${use.peer}'s step ${use.step + 1} (recv${use.line !== undefined ? `, line ${use.line}` : ''})`;
  const wanted = (v: string | undefined): boolean => v !== undefined && (value === undefined || v === value);
  const what = value === undefined ? `\${capture.${use.name}} to be set` : `\${capture.${use.name}} to be ${JSON.stringify(value)}`;
  if (use.peer === peer.launch.id) {
    // This peer sets it itself: nothing can change it while this step waits.
    const local = peer.captures.get(use.name);
    if (wanted(local)) return local!;
    if (local === undefined) throw unset(use, setter, use.step < stepIndex ? 'it ran but its match gave no value for it' : 'it comes after this step in the same peer');
    throw valueMismatch(use, value!, local, `${setter} set it, and this peer sets it itself`);
  }
  const seen = (): string | undefined => (peer.captures.has(use.name) && wanted(peer.captures.get(use.name)) ? peer.captures.get(use.name) : undefined) ?? everRelayed(peer, use, wanted);
  progress.waitingFor(() => `${what}, which ${setter} sets${value !== undefined && relayed(peer, use) !== undefined ? `; it is ${JSON.stringify(relayed(peer, use))}` : ''}`);
  const found = await peer.log.until(() => seen() ?? (setterEnded(peer, use) ? null : undefined));
  if (found !== null) return found;
  const again = seen(); // the value may come in the same batch of events as the end
  if (again !== undefined) return again;
  const last = relayed(peer, use);
  if (last === undefined) throw unset(use, setter, `${use.peer} ended without setting it`);
  throw valueMismatch(use, value!, last, `${use.peer} ended`);
}

/** Whether a relayed `recv` event of the setter ever carried a value `wanted` accepts. */
function everRelayed(peer: PeerRuntime, use: CaptureUse, wanted: (v: string | undefined) => boolean): string | undefined {
  for (const e of peer.log.all()) {
    const v = (e.captures as Record<string, string> | undefined)?.[use.name];
    if (wanted(v) && peerMatches(use.peer, e.peer)) return v;
  }
  return undefined;
}

function valueMismatch(use: CaptureUse, value: string, got: string, why: string): StepFailure {
  return new StepFailure('CAPTURE_MISMATCH', `\${capture.${use.name}} never became ${JSON.stringify(value)}: it is ${JSON.stringify(got)} and ${why}`, value, got);
}

function unset(use: CaptureUse, setter: string, why: string): StepFailure {
  return new StepFailure('CAPTURE_UNSET', `\${capture.${use.name}} was never set: ${setter} should have set it, but ${why}`, `\${capture.${use.name}}`, 'unset');
}

/** The latest value another peer's `recv` event carried. */
function relayed(peer: PeerRuntime, use: CaptureUse): string | undefined {
  const events = peer.log.all();
  for (let i = events.length - 1; i >= 0; i--) {
    const captures = events[i]!.captures as Record<string, string> | undefined;
    if (captures?.[use.name] !== undefined && peerMatches(use.peer, events[i]!.peer)) return captures[use.name];
  }
  return undefined;
}

function setterEnded(peer: PeerRuntime, use: CaptureUse): boolean {
  return peer.log
    .all()
    .some((e) => ((e.ev === 'done' || e.ev === 'fail') && peerMatches(use.peer, e.peer)) || (e.peer === 'harness' && e.ev === 'exit' && typeof e.target === 'string' && peerMatches(use.peer, e.target)));
}

/** `text` with each `${capture.X}` replaced; `escape` quotes the value (for a regular expression). */
export function substituteCaptures(text: string, values: ReadonlyMap<string, string>, escape: (v: string) => string = (v) => v): string {
  if (values.size === 0) return text;
  return text.replace(CAPTURE_USE, (whole, name: string) => {
    const value = values.get(name);
    return value === undefined ? whole : escape(value);
  });
}

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
