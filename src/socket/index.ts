// The socket layer: AF_UNIX stream, datagram and seqpacket sockets over the native addon.
export { UnixSocket, MAX_FDS_PER_MESSAGE } from './unix-socket';
export { openDescriptorCount } from './descriptors';
export { processGroupOf } from './process-group';
export { MAX_WAIT_BUDGET_US } from './wait-budget';
export { SocketError, AddonMissingError } from './errors';
export { SUN_PATH_MAX, ABSTRACT_NAME_MAX, checkSocketPath } from './address';
export type { UnixAddress, PeerCredentials, SendOptions, RecvOptions, Received, Sent, SocketErrorFields, SocketType } from './api';
