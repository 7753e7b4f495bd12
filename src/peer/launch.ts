// Reads the launch file the harness wrote for this peer (a PeerLaunch, already resolved).
import fs from 'node:fs';
import { CodedError } from '../errors/coded-error';
import { EVENTS_PROTOCOL_VERSION, type PeerLaunch } from '../protocol/events';

export class LaunchError extends CodedError<'BAD_LAUNCH'> {
  override readonly name = 'LaunchError';
  constructor(
    readonly file: string | undefined,
    message: string,
  ) {
    super('BAD_LAUNCH', message);
  }
}

export function readLaunch(file: string | undefined): PeerLaunch {
  if (!file) throw new LaunchError(file, 'usage: peer <launch.json> — the harness writes the launch file; run scenarios with uds-fixture');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new LaunchError(file, `cannot read the launch file ${file}: ${(err as Error).message}`);
  }
  let launch: Partial<PeerLaunch>;
  try {
    launch = JSON.parse(text) as Partial<PeerLaunch>;
  } catch (err) {
    throw new LaunchError(file, `the launch file ${file} is not JSON: ${(err as Error).message}`);
  }
  if (launch.protocol !== EVENTS_PROTOCOL_VERSION) {
    throw new LaunchError(file, `the launch file ${file} speaks protocol ${String(launch.protocol)}, this peer speaks ${EVENTS_PROTOCOL_VERSION}; use the peer program of the same uds-fixture version as the harness`);
  }
  const missing = (['id', 'role', 'socket', 'dir', 'files', 'ownPath', 'peerPaths', 'steps'] as const).filter((k) => launch[k] === undefined);
  if (missing.length > 0) throw new LaunchError(file, `the launch file ${file} lacks ${missing.join(', ')}`);
  if (!Array.isArray(launch.steps)) throw new LaunchError(file, `the launch file ${file}: steps must be an array`);
  return { fdAccounting: false, ...launch } as PeerLaunch;
}
