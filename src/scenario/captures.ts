// Captures, as Hurl has them: a `recv` names values (`(?<id>…)` in `match`, `capture: { id: $.id }`
// with `json`), and later steps of any peer use them as `${capture.id}`. Checked across all peers
// once every peer is normalized: a use must name a capture some step declares.
import type { NormalizeContext } from './context';
import type { PathSegment } from './errors';
import { didYouMean, listNames } from './suggest';
import type { CaptureUse, Step } from './types';

export const CAPTURE_USE = /\$\{\s*capture\.([^}\s]*)\s*\}/g;
const NAMED_GROUP = /\(\?<([A-Za-z_$][\w$]*)>/g;
/** `$.a.b[0]["x y"]`, `$` alone is the whole value */
const JSON_PATH = /^\$(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*$/;

export interface CaptureBook {
  declared: Map<string, Omit<CaptureUse, 'name'>>;
  uses: Array<{ name: string; at: readonly PathSegment[]; step: Step }>;
}

export function captureBook(): CaptureBook {
  return { declared: new Map(), uses: [] };
}

/** The named groups of a regular expression. */
export function namedGroups(regex: string): string[] {
  return [...regex.matchAll(NAMED_GROUP)].map((m) => m[1]!);
}

/** Whether `path` is a JSON path this format reads (`$.a.b[0]`). */
export function isJsonPath(path: string): boolean {
  return JSON_PATH.test(path);
}

/** Names declared by the step at `at` (the peer is the first segment of `at`). */
export function declareCaptures(ctx: NormalizeContext, at: readonly PathSegment[], names: string[], step: Step): void {
  const book = ctx.captures;
  if (book === undefined) return;
  const peer = String(at[0]) === 'clients' ? 'client' : String(at[0]);
  for (const name of names) {
    if (book.declared.has(name)) continue; // the first declaration names the step an unset capture blames
    book.declared.set(name, { peer, step: step.index, ...(step.pos !== undefined ? { line: step.pos.line } : {}) });
  }
}

/** Records each `${capture.X}` in `text` as a use by `step`, checked at the end. */
export function noteCaptureUses(ctx: NormalizeContext, at: readonly PathSegment[], text: string, step: Step): void {
  for (const m of text.matchAll(CAPTURE_USE)) ctx.captures?.uses.push({ name: m[1]!, at, step });
}

/** Every use names a declared capture; the step learns where each one it uses is set. */
export function checkCaptureUses(ctx: NormalizeContext): void {
  const book = ctx.captures;
  if (book === undefined) return;
  for (const use of book.uses) {
    const site = book.declared.get(use.name);
    if (site === undefined) {
      const declared = [...book.declared.keys()];
      ctx.problems.add(use.at, `\${capture.${use.name}}: no step captures \`${use.name}\``, {
        hint:
          didYouMean(use.name, declared) ??
          (declared.length > 0
            ? `captures in this scenario: ${listNames(declared)}`
            : `declare it in a \`recv\`: a named group \`match: "(?<${use.name}>\\\\d+)"\`, or \`json: {...}, capture: { ${use.name}: $.path }\``),
      });
      continue;
    }
    // A `waitFor` of a capture waits on the peer that sets it (`client` for a `clients:` group).
    if (use.step.step === 'waitFor') use.step.peer = site.peer;
    const step = use.step as Step & { uses?: CaptureUse[] };
    step.uses ??= [];
    if (!step.uses.some((u) => u.name === use.name)) step.uses.push({ name: use.name, ...site });
  }
}
