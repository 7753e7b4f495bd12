// The hand-written server of the trivial exchange: listen, take "hi" from one client, close.
import net from 'node:net';
import { rmSync } from 'node:fs';

const path = process.argv[2];
const server = net.createServer((conn) => {
  let got = '';
  conn.on('data', (chunk) => {
    got += chunk;
    if (got === 'hi') {
      conn.end();
      server.close();
      rmSync(path, { force: true });
    }
  });
});
server.listen(path, () => process.stdout.write('listening\n'));
