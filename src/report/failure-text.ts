// Why a scenario failed, in the words every face uses: the pretty report, the JUnit <failure>, and
// the test frameworks' matchers (Jest, Vitest, node:test). One source, so the same failure reads
// the same wherever it is shown: each reason with its place in the file, how the peers ended when
// the harness had a hand in it or a planned stop began, and the proxy's seed.

import type { Failure, ScenarioResult } from '../judge/result';
import { describePeerEnd } from '../judge/peer-end';
import { palette, type Palette } from './color';

const plain = palette(false);

/** `EXIT_MISMATCH server: server exited with code 3, expected 0`, and ` at file:line:col` when it has a place. */
export function formatFailure(f: Failure, c: Palette = plain): string {
  const where = f.pos ? c.dim(` at ${f.pos.file}:${f.pos.line}:${f.pos.col}`) : '';
  return `${c.red(f.code)}${f.peer ? ` ${c.bold(f.peer)}` : ''}: ${f.message}${where}`;
}

/**
 * How each peer ended, when the harness had a hand in it or its planned stop began: "server ended
 * by itself 8 ms after the clients ended and exited with code 3". When it ended is measured, so it
 * stays out of the failure's message (which reads the same in every run) and is told here.
 */
export function peerEnds(result: ScenarioResult): string[] {
  return result.peers.filter((p) => p.end !== 'self' || p.plannedStop).map((p) => describePeerEnd(p));
}

/** A run through the proxy names its seed, so that the same faults can be asked for again. */
export function proxySeed(result: ScenarioResult): string | undefined {
  const proxy = result.timeline.find((e) => e.peer === 'proxy' && e.ev === 'proxy-start');
  if (!proxy) return undefined;
  return `proxy seed ${String(proxy.seed)}${proxy.seeded ? ` (rerun with \`proxy: { seed: ${String(proxy.seed)} }\` for the same faults)` : ''}`;
}

/** The failure's text, indented by two spaces: its reasons, how the peers ended, and the proxy's seed. */
export function failureText(result: ScenarioResult, c: Palette = plain): string[] {
  const out = result.failures.map((f) => `  ${formatFailure(f, c)}`);
  const ends = peerEnds(result);
  if (ends.length) out.push(c.dim('  how the peers ended:'), ...ends.map((line) => c.dim(`    ${line}`)));
  const seed = proxySeed(result);
  if (seed) out.push(c.dim(`  ${seed}`));
  return out;
}
