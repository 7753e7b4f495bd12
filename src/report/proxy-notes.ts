// How the forwarding proxy's timeline events (peer `proxy`, `via: 'proxy'`) read in a picture: a
// note on the proxy's lane naming sender → receiver and what crossed, or the fault it injected.
import type { PeerEvent } from '../protocol/events';

function way(ev: PeerEvent): string {
  return typeof ev.sender === 'string' ? `${ev.sender}→${String(ev.receiver)} ` : '';
}

export function proxyNoteLabel(ev: PeerEvent): string {
  switch (ev.ev) {
    case 'proxy-data': {
      const fds = Array.isArray(ev.fds) && ev.fds.length > 0 ? ` + ${ev.fds.length} fd` : '';
      return `${way(ev)}${String(ev.bytes)} B${fds} "${String(ev.preview ?? '')}"`;
    }
    case 'proxy-fault':
      return `fault ${String(ev.fault)}: ${way(ev)}msg ${String(ev.message)}${typeof ev.detail === 'string' ? `, ${ev.detail}` : ''}`;
    case 'proxy-open':
      return `${String(ev.client ?? 'client')} connected (connection ${String(ev.conn)})`;
    case 'proxy-start':
      return `proxy started, seed ${String(ev.seed)}`;
    case 'proxy-stopped':
      return `proxy stopped, seed ${String(ev.seed)}`;
    case 'proxy-error':
      return `error ${String(ev.code ?? '')}${typeof ev.detail === 'string' ? ` in ${ev.detail}` : ''}`;
    default:
      return `${way(ev)}${ev.ev.slice('proxy-'.length)}`;
  }
}
