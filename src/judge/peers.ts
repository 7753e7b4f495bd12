import type { PeerSpec, Scenario, Step } from '../scenario/types';
import type { PeerRecord } from '../run/types';

/** The scenario's spec for a peer id (`server`, `client`, `client-N`). */
export function specOf(scenario: Scenario, peer: string): PeerSpec | undefined {
  return peer === 'server' ? scenario.server : peer === 'client' || /^client-\d+$/.test(peer) ? scenario.clients : undefined;
}

export function stepOf(scenario: Scenario, peer: string, index: unknown): Step | undefined {
  const spec = specOf(scenario, peer);
  if (!spec || spec.kind !== 'steps' || typeof index !== 'number') return undefined;
  return spec.steps.find((s) => s.index === index) ?? spec.steps[index];
}

/**
 * Peers named by an expectation key: a peer id, `clients` (every client), or `client` (the single
 * client, or every client of a group). Most specific first, so `client-2` beats `clients`.
 */
export function keysFor(peer: PeerRecord): string[] {
  if (peer.role === 'server') return [peer.id];
  return peer.id === 'client' ? ['client', 'clients'] : [peer.id, 'clients', 'client'];
}

export function peersFor(key: string, peers: PeerRecord[]): PeerRecord[] {
  return peers.filter((p) => keysFor(p).includes(key));
}

export function clip(text: string, max = 300): string {
  const trimmed = text.trimEnd();
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}
