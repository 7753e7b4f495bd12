// Echo server: binds `address` (JSON), answers each message with the same bytes, and for
// datagrams replies to the sender's address. Ends on end-of-file, or the datagram "END".
// An optional third argument is the wait budget (UnixSocket.waitBudget) of its sockets, in µs.
import { unlinkSync } from 'node:fs';

import { UnixSocket, type SocketType, type UnixAddress } from '../../../src/socket';
import { announce, failOn } from './io';

async function main(): Promise<void> {
  const type = process.argv[2] as SocketType;
  const address = JSON.parse(process.argv[3]!) as UnixAddress;
  const budgetUs = Number(process.argv[4] ?? 0);
  const server = UnixSocket.create(type).waitBudget(budgetUs);
  server.bind(address);
  let echoed = 0;
  if (type === 'dgram') {
    announce({ ready: true });
    for (;;) {
      const message = await server.recv();
      if (message.data.toString() === 'END') break;
      await server.send(message.data, { to: message.from! });
      echoed++;
    }
  } else {
    server.listen();
    announce({ ready: true });
    const connection = await server.accept();
    for (;;) {
      const message = await connection.recv();
      if (message.eof) break;
      await connection.send(message.data);
      echoed++;
    }
    connection.close();
  }
  server.close();
  if (typeof address === 'string') unlinkSync(address);
  announce({ done: true, echoed });
}

failOn(main());
