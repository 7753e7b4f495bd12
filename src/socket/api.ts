// The typed face of the native AF_UNIX layer: the contract between src/socket (which implements
// it over the addon) and everything that uses sockets (the scripted peer, module peers, the
// harness for socketpairs). Only src/socket/binding.ts loads the addon.

import type { SocketType } from '../scenario/types';

export type { SocketType };

/** A socket address: a filesystem path, or a Linux abstract name (no leading NUL). */
export type UnixAddress = string | { abstract: string };

export interface PeerCredentials {
  /** -1 on macOS once the peer has closed (LOCAL_PEERPID needs the connection) */
  pid: number;
  uid: number;
  gid: number;
}

export interface SendOptions {
  /** descriptors to pass with SCM_RIGHTS (1..253); they travel with the first byte of `data` */
  fds?: number[];
  /** destination for an unconnected datagram socket */
  to?: UnixAddress;
}

export interface RecvOptions {
  /** largest message accepted (default 65536); a longer datagram is reported `truncated` */
  maxBytes?: number;
  /** control-buffer room in descriptors (default 253); fewer than sent → `controlTruncated` */
  maxFds?: number;
}

export interface Received {
  /** the bytes; empty with `eof` on stream end-of-file */
  data: Buffer;
  /** received descriptors, non-blocking and close-on-exec, owned by the caller (fs.closeSync) */
  fds: number[];
  /** MSG_TRUNC: the datagram was longer than maxBytes */
  truncated: boolean;
  /** MSG_CTRUNC: descriptors did not fit; those that did arrive are in `fds` */
  controlTruncated: boolean;
  /** sender's address for datagrams, when it has one */
  from?: UnixAddress;
  /** stream end-of-file (peer shut down writing or closed) */
  eof: boolean;
  /**
   * When recvmsg(2) returned, in monotonic ns (the clock of `process.hrtime.bigint()` and of event
   * times): later than the `atNs` of the send that wrote these bytes, in any process.
   */
  atNs: number;
}

/** What a completed send did, and when. */
export interface Sent {
  /** bytes written: all of them */
  bytes: number;
  /**
   * When the sendmsg(2) that wrote the last bytes began, in monotonic ns. Taken before the call,
   * so a receive of these bytes, in any process, is always dated later.
   */
  atNs: number;
}

/**
 * Errors of the socket layer. `code` is the errno name ('ECONNREFUSED'), `errno` its negative
 * number as Node reports it, `syscall` the call that failed, `path` the address involved.
 * Paths too long for sun_path are refused before any syscall with code 'ENAMETOOLONG'.
 */
export interface SocketErrorFields {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}
