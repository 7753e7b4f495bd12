// How a peer name in a scenario (`waitFor: { peer }`, a capture's setter) stands for peer ids:
// itself, and `client` / `clients` also for every `client-N` of a group.

/** Whether the name `wanted` stands for the peer `actual`. */
export function peerMatches(wanted: string, actual: string): boolean {
  if (wanted === actual) return true;
  return (wanted === 'client' || wanted === 'clients') && /^client-\d+$/.test(actual);
}
