// Writes to a socket whose peer has closed, in a process that counts the SIGPIPEs it receives
// (Node ignores SIGPIPE unless a listener is installed; with one, a raised SIGPIPE is seen). The
// socket layer must not raise it at all: MSG_NOSIGNAL on Linux, SO_NOSIGPIPE on macOS.
import { UnixSocket } from '../../../src/socket';
import { announce } from './io';

async function main(): Promise<void> {
  let sigpipes = 0;
  process.on('SIGPIPE', () => sigpipes++);
  const [left, right] = UnixSocket.pair('stream');
  right.close();
  let code: string | undefined;
  try {
    await left.send(Buffer.from('nobody listens'));
  } catch (err) {
    code = (err as { code?: string }).code;
  } finally {
    left.close();
  }
  // A raised signal reaches its listener on a later turn of the loop: let two turns pass.
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  announce({ code, sigpipes });
}

void main();
