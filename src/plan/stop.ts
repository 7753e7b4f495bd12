// The planned stop of a peer: which peers have one, counting from what, and with which defaults.
import { DEFAULT_STOP_AFTER_MS, DEFAULT_STOP_SIGNAL, type PeerSpec } from '../scenario/types';
import type { PeerRole, StopPlan } from './types';

/**
 * A `run:` server gets the default planned stop: a program the harness did not write may be a
 * daemon that never ends by itself, or a one-shot server that ends a moment after its last client;
 * waiting `DEFAULT_STOP_AFTER_MS` before the signal serves both. A `run:` client is stopped only
 * when it declares `stop:` (a client that hangs after its server left is usually the bug under
 * test, which the run's timeout names). Scripted and module peers end with their own program.
 */
export function stopPlanFor(role: PeerRole, spec: PeerSpec, runGraceMs: number): StopPlan | undefined {
  if (spec.kind !== 'run') return undefined;
  const written = spec.stop;
  if (!written && role === 'client') return undefined;
  return {
    from: role === 'server' ? 'clients' : 'server',
    afterMs: written?.afterMs ?? DEFAULT_STOP_AFTER_MS,
    signal: written?.signal ?? DEFAULT_STOP_SIGNAL,
    graceMs: written?.graceMs ?? runGraceMs,
  };
}
