// A module server that opens a declared file with fs.openSync and never closes it (unless its
// environment says CLOSE_HELD=1, the control case): the peer's descriptor accounting must name the
// leak. It writes the descriptor it holds and the file's path to the timeline.
import fs from 'node:fs';
import type { ModulePeerContext } from '../../../src';

export default async function leakyServer(peer: ModulePeerContext): Promise<void> {
  await peer.listen();
  const conn = await peer.accept();
  const file = peer.files.held;
  if (file === undefined) throw new Error('the scenario declares no file `held`');
  const fd = fs.openSync(file, 'r');
  peer.emit('opened', { path: file, fd });
  // The client only connects and closes: its end-of-file ends this peer.
  const { eof } = await conn.recv();
  if (!eof) throw new Error('the client sent bytes; it was expected to close');
  if (process.env.CLOSE_HELD === '1') fs.closeSync(fd);
}
