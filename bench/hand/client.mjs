// The hand-written client of the trivial exchange: connect, send "hi", close.
import net from 'node:net';

const conn = net.createConnection(process.argv[2], () => conn.end('hi'));
