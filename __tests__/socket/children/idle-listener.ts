// Binds and listens, then does nothing: an idle socket must not keep the process alive.
import { UnixSocket } from '../../../src/socket';
import { announce } from './io';

const server = UnixSocket.create('stream');
server.bind(process.argv[2]!);
server.listen();
announce({ listening: server.fd });
