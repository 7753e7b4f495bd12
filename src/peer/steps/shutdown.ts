import { endpointFor } from '../connections';
import { PeerError } from '../errors';
import type { StepImpl } from './types';

export const shutdown: StepImpl<'shutdown'> = {
  async run(step, peer) {
    const current = endpointFor(peer, step.on, 'shutdown');
    if (!current) throw new PeerError('ENOTCONN', 'shutdown', 'shutdown needs a socket: add a `connect` or `accept` step before it');
    current.sock.shutdown(step.how);
    return { how: step.how, ...(step.on !== undefined ? { on: step.on } : {}) };
  },
};
