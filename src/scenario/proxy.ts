// `proxy:`: clients connect to the harness's forwarding proxy, which connects each of them to the
// server. Checks what a proxy makes meaningless: credentials and `from:` name the process at the
// other end of a connection, and through the proxy that is always the harness; a server's `to:
// <client>` names the client's own path, which the proxy stands in front of.
import { isRecord, type NormalizeContext } from './context';
import type { PathSegment } from './errors';
import { normalizeFaults } from './proxy-faults';
import type { AddressKind, ProxySpec, SocketType } from './types';

/** Step options whose meaning is "who is at the other end". */
function checkSeeThrough(ctx: NormalizeContext, input: Record<string, unknown>): void {
  for (const key of ['server', 'client', 'clients']) {
    const peer = input[key];
    if (!isRecord(peer) || !Array.isArray(peer.steps)) continue;
    peer.steps.forEach((step: unknown, i: number) => {
      if (!isRecord(step)) return;
      for (const [name, options] of Object.entries(step)) {
        if (!isRecord(options)) continue;
        const at: PathSegment[] = [key, 'steps', i, name];
        if (options.expectPeer !== undefined) {
          ctx.problems.add([...at, 'expectPeer'], `\`expectPeer\` cannot be checked through \`proxy:\`: the process at the other end of every connection is the harness's proxy, not the ${key === 'server' ? 'client' : 'server'}`, {
            target: 'key',
            hint: 'remove `expectPeer` from this step, or check credentials in a scenario without `proxy:`',
          });
        }
        if (key === 'server' && typeof options.from === 'string' && ctx.peerIds.includes(options.from)) {
          ctx.problems.add([...at, 'from'], `\`from: ${options.from}\` cannot tell peers apart through \`proxy:\`: every connection (or datagram) the server gets comes from the proxy`, {
            target: 'key',
            hint: 'name the connection at `accept: { as: NAME }` and use `on: NAME`, or drop `from:`',
          });
        }
        if (key === 'server' && typeof options.to === 'string' && ctx.peerIds.includes(options.to)) {
          ctx.problems.add([...at, 'to'], `\`to: ${options.to}\` would go around \`proxy:\`: it names the client's own path, and the proxy reaches each client from a path of its own that is known only when the client's first datagram passes`, {
            target: 'key',
            hint: 'drop `to:`: a reply goes back to the sender of the last datagram received, which through the proxy is the proxy\'s path for that client',
          });
        }
      }
    });
  }
}

export function normalizeProxy(ctx: NormalizeContext, input: Record<string, unknown>, socket: { type: SocketType; address: AddressKind }): ProxySpec | undefined {
  const written = input.proxy;
  if (written === undefined) return undefined;
  if (socket.address !== 'path') {
    ctx.problems.add(['proxy'], `the proxy listens on a path; \`address: ${socket.address}\` has none for it to stand in front of`, { target: 'key', hint: 'use `address: path` (the default) with `proxy:`' });
  }
  if (input.server === undefined) ctx.problems.add(['proxy'], 'the proxy connects clients to the server: declare a `server`', { target: 'key' });
  checkSeeThrough(ctx, input);
  const spec: ProxySpec = { capture: true, toServer: {}, toClient: {} };
  if (!isRecord(written)) return spec;
  if (typeof written.seed === 'number') spec.seed = written.seed;
  if (written.capture === false) spec.capture = false;
  // Every fault is checked, a broken neighbour or not (`drop` on a stream beside `chunk: 0`); a
  // fault the schema already found something wrong in (a value, or a key beside it: `delay: { ime:
  // 5ms }`) is not judged again, which would only repeat it or report a value as missing.
  const report = (at: PathSegment[], message: string, hint?: string) => {
    if (ctx.problems.isClear(['proxy', ...at.slice(0, 2)])) ctx.problems.add(['proxy', ...at], message, hint ? { hint } : {});
  };
  spec.toServer = normalizeFaults(written.toServer, socket.type, ['toServer'], report);
  spec.toClient = normalizeFaults(written.toClient, socket.type, ['toClient'], report);
  return spec;
}
