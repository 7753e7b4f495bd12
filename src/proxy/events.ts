// Native proxy events → ProxyEvent (JSON-ready), and the one-line text of each (`socat -v` style).
import { constants } from 'node:fs';
import { getSystemErrorName } from 'node:util';

import type { NativeProxyEvent, NativeProxyStats } from '../socket/proxy';
import type { ProxyEvent, ProxyStats } from './types';

function fileType(mode: number): string {
  switch (mode & constants.S_IFMT) {
    case constants.S_IFREG:
      return 'file';
    case constants.S_IFDIR:
      return 'dir';
    case constants.S_IFIFO:
      return 'pipe';
    case constants.S_IFSOCK:
      return 'socket';
    case constants.S_IFCHR:
      return 'char';
    case constants.S_IFBLK:
      return 'block';
    case constants.S_IFLNK:
      return 'symlink';
    default:
      return 'unknown';
  }
}

/** Printable ASCII as is, `\n` `\r` `\t` `\\` escaped, every other byte as `\xNN`. */
export function previewText(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return `errno ${-errno}`;
  }
}

export function toProxyEvent(native: NativeProxyEvent): ProxyEvent {
  const event: ProxyEvent = { t: native.t, via: 'proxy', ev: native.ev };
  if (native.conn !== undefined) event.conn = native.conn;
  if (native.dir !== undefined) {
    event.from = native.dir === 'c2s' ? 'client' : 'server';
    event.to = native.dir === 'c2s' ? 'server' : 'client';
  }
  if (native.message !== undefined) event.message = native.message;
  if (native.bytes !== undefined) event.bytes = native.bytes;
  if (native.preview !== undefined) event.preview = previewText(native.preview);
  if (native.fds !== undefined) event.fds = native.fds.map((fd) => ({ type: fileType(fd.mode), dev: fd.dev, ino: fd.ino }));
  if (native.fault !== undefined) event.fault = native.fault;
  if (native.offset !== undefined) event.offset = native.offset;
  if (native.count !== undefined) event.count = native.count;
  if (native.errno !== undefined) event.code = errnoName(native.errno);
  if (native.delivered !== undefined) event.delivered = native.delivered;
  if (native.pid !== undefined) Object.assign(event, { pid: native.pid, uid: native.uid, gid: native.gid });
  if (native.pgid !== undefined) event.pgid = native.pgid;
  if (native.ev === 'open') {
    if (native.address !== undefined) event.client = native.address.toString('utf8');
    if (native.detail) event.seenAs = native.detail;
  } else if (native.detail) event.detail = native.detail;
  return event;
}

export function toProxyStats(native: NativeProxyStats): ProxyStats {
  return {
    connections: native.connections,
    messages: { toServer: native.messagesC2s, toClient: native.messagesS2c },
    bytes: { toServer: native.bytesC2s, toClient: native.bytesS2c },
    zeroCopyBytes: { toServer: native.zeroCopyC2s, toClient: native.zeroCopyS2c },
    fds: { received: native.fdsReceived, forwarded: native.fdsForwarded, closed: native.fdsClosed, leaked: native.fdsReceived - native.fdsClosed },
    faults: native.faults,
  };
}

const ARROW = { client: '>', server: '<' } as const;

/** One line per event, e.g. `> #1 client→server msg 3, 12 bytes, 1 fd(file): "hello\n"`. */
export function describeProxyEvent(event: ProxyEvent): string {
  const conn = event.conn !== undefined ? `#${event.conn} ` : '';
  const way = event.from !== undefined ? `${event.from}→${event.to} ` : '';
  switch (event.ev) {
    case 'open':
      return `+ ${conn}open${event.pid !== undefined ? ` (client pid ${event.pid}, uid ${event.uid})` : ''}${event.client ? ` client ${event.client}` : ''}${event.seenAs ? ` seen by the server as ${event.seenAs}` : ''}`;
    case 'data': {
      const fds = event.fds?.length ? `, ${event.fds.length} fd(${event.fds.map((fd) => fd.type).join(',')})` : '';
      return `${ARROW[event.from ?? 'client']} ${conn}${way}msg ${event.message}, ${event.bytes} bytes${fds}: "${event.preview ?? ''}"`;
    }
    case 'eof':
      return `- ${conn}${way}EOF`;
    case 'close':
      return `- ${conn}closed`;
    case 'reset':
      return `! ${conn}${way}reset${event.code ? ` (${event.code})` : ''}`;
    case 'fault':
      return `! ${conn}${way}fault ${event.fault} at msg ${event.message}, byte ${event.offset}${event.detail ? `: ${event.detail}` : ''}`;
    case 'error': {
      const cut = event.delivered !== undefined ? `: msg ${event.message}, ${event.delivered} of ${event.bytes} bytes delivered` : '';
      return `! ${conn}${way}error ${event.code ?? ''}${event.detail ? ` in ${event.detail}` : ''}${cut}`;
    }
    case 'stopped':
      return `- proxy stopped`;
  }
}
