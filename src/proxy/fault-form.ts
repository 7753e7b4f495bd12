// A direction's normalized faults written back in the form users write them (a scenario's
// `proxy:`, `--faults FILE`), so the record of a run says which faults it ran with in words that
// can be given again.
import type { FaultSelector, FaultSelectorInput, ProxyFaults, ProxyFaultsInput } from '../scenario/types';

function selectorForm(selector: FaultSelector): FaultSelectorInput {
  const out: Exclude<FaultSelectorInput, true> = {};
  if (selector.messages) out.message = selector.messages.length === 1 ? selector.messages[0]! : selector.messages;
  if (selector.fromByte !== undefined) out.fromByte = selector.fromByte;
  if (selector.afterMs !== undefined) out.after = `${selector.afterMs}ms`;
  if (selector.rate !== undefined) out.rate = selector.rate;
  return Object.keys(out).length === 0 ? true : out;
}

export function faultForm(faults: ProxyFaults): ProxyFaultsInput {
  const out: ProxyFaultsInput = {};
  if (faults.chunkMin !== undefined) out.chunk = faults.chunkMin === faults.chunkMax || faults.chunkMax === undefined ? faults.chunkMin : `${faults.chunkMin}..${faults.chunkMax}`;
  if (faults.delayMs !== undefined || faults.jitterMs !== undefined) {
    const time = `${faults.delayMs ?? 0}ms`;
    const plain = faults.jitterMs === undefined && faults.delayWhen === undefined && !faults.delayPerChunk;
    out.delay = plain
      ? time
      : {
          time,
          ...(faults.jitterMs !== undefined ? { jitter: `${faults.jitterMs}ms` } : {}),
          ...(faults.delayWhen ? { when: selectorForm(faults.delayWhen) } : {}),
          ...(faults.delayPerChunk ? { per: 'chunk' as const } : {}),
        };
  }
  for (const name of ['drop', 'duplicate', 'reorder', 'dropFds'] as const) {
    const selector = faults[name];
    if (selector) out[name] = selectorForm(selector);
  }
  if (faults.corruptAt) out.corrupt = { at: faults.corruptAt.length === 1 ? faults.corruptAt[0]! : faults.corruptAt };
  if (faults.resetAfterBytes !== undefined) out.reset = { afterBytes: faults.resetAfterBytes };
  if (faults.stallForMs !== undefined) out.stall = { after: faults.stallAfterBytes ?? 0, for: `${faults.stallForMs}ms` };
  if (faults.truncateFds) {
    const selector = selectorForm(faults.truncateFds);
    out.truncateFds = { keep: faults.truncateKeep ?? 0, ...(selector === true ? {} : selector) };
  }
  return out;
}
