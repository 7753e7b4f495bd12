// The proxy of a run (scenario `proxy:`): where it listens (clients are given that path) and
// where it connects (the scenario's own address, which the server binds).
import path from 'node:path';

import type { Scenario } from '../scenario/types';
import { checkSunPath } from './sun-path';
import type { PlannedProxy, PlannedRun } from './types';

export function plannedProxy(scenario: Scenario, dir: string, socket: PlannedRun['socket']): PlannedProxy | undefined {
  if (scenario.proxy === undefined || socket.path === undefined) return undefined;
  return { listen: checkSunPath(path.join(dir, 'p.sock'), 'proxy socket path'), connect: socket.path, type: socket.type, ...scenario.proxy };
}

/** The run as a client sees it: the proxy's path in place of the server's. */
export function clientView<R extends Pick<PlannedRun, 'socket'>>(run: R, proxy: PlannedProxy | undefined): R {
  return proxy === undefined ? run : { ...run, socket: { ...run.socket, path: proxy.listen } };
}
