// Which of a server's accepted connections a step uses: the one named `on:` (declared by
// `accept: { as }`), the one a peer made (`from: client-2`), or, unnamed, the most recent one;
// and, for sequence traffic, all of them at once.
import { processGroupOf, type UnixSocket } from '../socket';
import { PeerError, StepFailure } from './errors';
import type { StepProgress } from './progress';
import type { Connection, Endpoint, PeerRuntime } from './runtime';

/** The accepted connection called `name`; it must still be open. */
export function connectionOn(peer: PeerRuntime, name: string, syscall: string): Connection {
  const found = [...peer.accepted].reverse().find((c) => c.name === name);
  if (found) return found;
  // The loader checked that an earlier accept names it, so here it was closed or never accepted.
  throw new PeerError('ENOTCONN', syscall, `${syscall} on \`${name}\`: that connection is not open (an earlier \`close: { on: ${name} }\` closed it, or its accept failed)`);
}

/**
 * Whether the process at the other end of a connection is `peerId`, judged by the pid the kernel
 * reports for it: a scripted peer's is the pid it announced in its `start` event, a `run:`
 * program's any process of the group the harness started it in (its `spawn` event); undefined
 * while neither event has arrived. The one place that maps credentials to peers.
 */
export function pidBelongsTo(peer: PeerRuntime, peerId: string, pid: number): boolean | undefined {
  const identity = peer.log.identityOf(peerId);
  if (identity === undefined) return undefined;
  return identity.kind === 'process' ? identity.pid === pid : pid !== -1 && processGroupOf(pid) === identity.pgid;
}

/** The accepted connection that `peerId` made, once it is known who `peerId` is. */
export async function connectionFrom(peer: PeerRuntime, peerId: string, syscall: string, progress: StepProgress): Promise<Connection> {
  progress.waitingFor(() => `peer "${peerId}" to start (its pid, or a run: program's process group, tells which connection is its)`);
  const identity = await peer.log.until(() => peer.log.identityOf(peerId));
  const found = peer.accepted.find((c) => pidBelongsTo(peer, peerId, c.pid) === true);
  if (found) return found;
  const open = peer.accepted.map((c) => `#${c.number}${c.name !== undefined ? ` (${c.name})` : ''} from pid ${c.pid}`);
  const whose = identity.kind === 'process' ? `pid ${identity.pid}` : `a process of group ${identity.pgid}`;
  throw new StepFailure(
    'PEER_CRED_MISMATCH',
    open.length === 0
      ? `${syscall} from ${peerId}: the server has no open connection; add an \`accept\` step before it`
      : `${syscall} from ${peerId}: none of the server's open connections is ${peerId}'s (${whose}): ${open.join(', ')}; accept its connection first`,
    peerId,
    open,
  );
}

/** The endpoint a step uses: `on`, else the current one (the most recently accepted or connected). */
export function endpointFor(peer: PeerRuntime, on: string | undefined, syscall: string): Endpoint | undefined {
  return on !== undefined ? connectionOn(peer, on, syscall) : peer.current;
}

/**
 * The connections an unnamed sequence `recv` reads: every open accepted connection when the
 * server has several and the current one is among them (a server serving many clients), else
 * none (the caller uses the current endpoint).
 */
export function fanInConnections(peer: PeerRuntime): Connection[] {
  if (peer.accepted.length < 2 || !peer.accepted.includes(peer.current as Connection)) return [];
  return [...peer.accepted];
}

/**
 * Who is at the other end of a connected socket, for the timeline's arrows: the server for a
 * client; for a connection the server accepted, the peer whose process the kernel reports
 * (undefined while its `start` or `spawn` event has not arrived, or for an unknown program).
 */
/**
 * Who is at the other end of `sock`, for an event: `{ <dir>Peer: id }` when it is known, else (an
 * accepted connection whose peer's `start` has not been relayed yet) `{ <dir>Pid: pid }`, which the
 * timeline resolves from the run's own `start` events; nothing when neither is known.
 */
export function remoteFields(peer: PeerRuntime, sock: UnixSocket, dir: 'from' | 'to'): Record<string, string | number> {
  const id = peerOnSocket(peer, sock);
  if (id !== undefined) return { [`${dir}Peer`]: id };
  const pid = peer.accepted.find((c) => c.sock === sock)?.pid;
  return pid !== undefined && pid > 0 ? { [`${dir}Pid`]: pid } : {};
}

export function peerOnSocket(peer: PeerRuntime, sock: UnixSocket): string | undefined {
  if (peer.launch.role === 'client') return peer.current?.sock === sock && peer.current.connected ? 'server' : undefined;
  const connection = peer.accepted.find((c) => c.sock === sock);
  if (connection === undefined) return undefined;
  return Object.keys(peer.launch.peerPaths).find((id) => id !== peer.launch.id && pidBelongsTo(peer, id, connection.pid) === true);
}
