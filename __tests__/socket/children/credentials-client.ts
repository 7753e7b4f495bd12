// Connects to the test's listener, announces its own pid/uid/gid and the credentials it sees for
// the server, then waits for the server to close.
import { UnixSocket } from '../../../src/socket';
import { announce, failOn } from './io';

async function main(): Promise<void> {
  const client = UnixSocket.create('stream');
  await client.connect(process.argv[2]!);
  announce({ self: { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() }, server: client.peerCredentials() });
  await client.recv();
  client.close();
}

failOn(main());
