// How the forwarding proxy's timeline events (peer `proxy`, `via: 'proxy'`) read in a picture: a
// note on the proxy's lane naming sender → receiver and what crossed, or the fault it injected.
import type { PeerEvent } from '../protocol/events';

function way(ev: PeerEvent): string {
  return typeof ev.sender === 'string' ? `${ev.sender}→${String(ev.receiver)} ` : '';
}

/** A `proxy-error` whose send stopped part-way through a message (its `delivered` bytes went on). */
export function isCutDelivery(ev: PeerEvent): ev is PeerEvent & { message: number; bytes: number; delivered: number } {
  return ev.ev === 'proxy-error' && typeof ev.delivered === 'number' && typeof ev.bytes === 'number' && typeof ev.message === 'number';
}

/** The first `bytes` bytes of an escaped preview (`\n`, `\\`, `\xNN` are one byte each). */
export function previewPrefix(preview: string, bytes: number): string {
  let at = 0;
  for (let n = 0; n < bytes && at < preview.length; n++) at += preview[at] !== '\\' ? 1 : preview[at + 1] === 'x' ? 4 : 2;
  return preview.slice(0, at);
}

/**
 * The proxy's leg to the receiver: what it wrote on, `8 B "ADD 1 2\n"`; or, when the send stopped
 * part-way (`cut`, its `proxy-error`), only what went on: `1 of 8 B "A"` (cutEnd says why the rest did not).
 */
export function proxyDataLabel(ev: PeerEvent, cut?: PeerEvent): string {
  const fds = Array.isArray(ev.fds) && ev.fds.length > 0 ? ` + ${ev.fds.length} fd` : '';
  const preview = String(ev.preview ?? '');
  if (!cut || !isCutDelivery(cut)) return `${way(ev)}${String(ev.bytes)} B${fds} "${preview}"`;
  return `${way(ev)}${cut.delivered} of ${cut.bytes} B${cut.delivered > 0 ? fds : ''} "${previewPrefix(preview, cut.delivered)}"`;
}

/** How a cut delivery ended, after its label: `, then EPIPE`. */
export function cutEnd(cut: PeerEvent): string {
  return `, then ${String(cut.code ?? 'an error')}`;
}

export function proxyNoteLabel(ev: PeerEvent): string {
  switch (ev.ev) {
    case 'proxy-data':
      return proxyDataLabel(ev);
    case 'proxy-fault':
      return `fault ${String(ev.fault)}: ${way(ev)}msg ${String(ev.message)}${typeof ev.detail === 'string' ? `, ${ev.detail}` : ''}`;
    case 'proxy-open':
      return `${String(ev.client ?? 'client')} connected (connection ${String(ev.conn)})`;
    case 'proxy-start':
      return `proxy started, seed ${String(ev.seed)}`;
    case 'proxy-stopped':
      return `proxy stopped, seed ${String(ev.seed)}`;
    case 'proxy-error': {
      const cut = isCutDelivery(ev) ? `: ${way(ev)}msg ${ev.message}, ${ev.delivered} of ${ev.bytes} B delivered` : '';
      return `error ${String(ev.code ?? '')}${typeof ev.detail === 'string' ? ` in ${ev.detail}` : ''}${cut}`;
    }
    case 'proxy-close':
    case 'proxy-reset':
      // Which connection ended (and whose, in a run): several may be open at once.
      return `${typeof ev.client === 'string' ? `${ev.client}'s ` : ''}connection ${String(ev.conn)} ${ev.ev === 'proxy-close' ? 'closed' : 'reset'}`;
    default:
      return `${way(ev)}${ev.ev.slice('proxy-'.length)}`;
  }
}
