// Which other peers a step waits on. Its timeout counts only from when they are all running
// (src/peer/progress.ts): a server cannot be blamed for an `accept` that timed out while its
// clients were still starting on a busy machine. One rule for every step, in one place.
import type { Step } from '../scenario/types';
import { peerMatches } from './event-log';
import type { PeerRuntime } from './runtime';

export function awaitedPeers(step: Step, peer: PeerRuntime): string[] {
  const others = Object.keys(peer.launch.peerPaths).filter((id) => id !== peer.launch.id);
  // The other side of a conversation: a client talks to the server, a server to any client.
  const otherSide = (): string[] => (peer.launch.role === 'client' ? others.filter((id) => id === 'server') : others);
  const named = (address: string | undefined): string[] | undefined => {
    const id = address === undefined ? undefined : peer.peerAt(address);
    return id !== undefined && id !== peer.launch.id ? [id] : undefined;
  };
  switch (step.step) {
    case 'accept':
      // any peer may be the one that connects
      return others;
    case 'connect': {
      const pidOf = others.filter((id) => id === step.expectPeer?.pid);
      return [...new Set([...(named(step.to) ?? (step.to === undefined ? otherSide() : [])), ...pidOf])];
    }
    case 'recv':
      return named(step.from) ?? otherSide();
    case 'recvFds':
      return otherSide();
    case 'waitFor':
      return others.filter((id) => peerMatches(step.peer, id));
    default:
      return [];
  }
}
