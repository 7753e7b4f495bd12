import { ENV, EVENTS_FD, EVENTS_PROTOCOL_VERSION } from '../protocol/events';
import type { PlannedRun } from './types';
import { PAIR_FD } from './pair-fd';
import { substitute, type Variables } from './substitute';

/**
 * The variables a peer inherits from the harness's environment, and nothing else: what programs
 * need to find their tools, home, user name, locale, time zone and terminal. Anything more (a
 * token, a proxy, a CI secret) reaches a peer only when declared in its `env:` or RunOptions.env.
 */
export const INHERITED_ENV_NAMES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'TZ', 'TMPDIR', 'TERM'] as const;
/** Every LC_* locale category is inherited too. */
const INHERITED_ENV_PREFIX = 'LC_';

export function inheritedEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if ((INHERITED_ENV_NAMES as readonly string[]).includes(name) || name.startsWith(INHERITED_ENV_PREFIX)) env[name] = value;
  }
  return env;
}

/**
 * The peer's environment: the inherited baseline, then RunOptions.env, then the peer's declared
 * env, then the UDS_FIXTURE_* variables, each overriding the one before. The protocol variables
 * come last so a scenario cannot point a peer at the wrong channel.
 */
export function peerEnv(
  run: Pick<PlannedRun, 'dir' | 'socket' | 'files'>,
  id: string,
  declared: Record<string, string>,
  extra: Record<string, string> | undefined,
  vars: Variables,
): Record<string, string> {
  const env = inheritedEnv();
  Object.assign(env, extra);
  for (const [k, v] of Object.entries(declared)) env[k] = substitute(v, vars, `${id}.env.${k}`);
  env[ENV.eventsFd] = String(EVENTS_FD);
  env[ENV.protocol] = String(EVENTS_PROTOCOL_VERSION);
  env[ENV.peer] = id;
  env[ENV.socket] = vars.values.socket ?? '';
  env[ENV.socketType] = run.socket.type;
  env[ENV.dir] = run.dir;
  if (run.socket.address === 'pair') env[ENV.socketFd] = String(PAIR_FD);
  else delete env[ENV.socketFd];
  return env;
}
