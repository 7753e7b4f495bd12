// Bounds that keep a scenario within what one machine can run, and within what the loader can
// check quickly. Each is named in the message that rejects a value beyond it. The ones native
// code enforces too come from native/limits.h (through the generated src/limits/limits.generated.ts).
import { MAX_FDS_PER_MESSAGE, MAX_MESSAGE_BYTES } from '../limits/limits.generated';

export const MAX_CLIENTS = 1000;
/** messages of one generated stream */
export const MAX_MESSAGE_COUNT = 100_000_000;
/** one message, one payload, one declared file: 16 MiB */
export const MAX_MESSAGE_SIZE = MAX_MESSAGE_BYTES;
/** a literal `text:` (or file `content:`) written in the scenario: 1 MiB */
export const MAX_TEXT_BYTES = 1024 * 1024;
/** Node timers overflow beyond 2³¹−1 ms (about 24.8 days) and would fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;
/** SCM_MAX_FD on Linux: the most descriptors one message can carry */
export { MAX_FDS_PER_MESSAGE };
/** messages of one bulk descriptor transfer (`sendFds` / `recvFds` with `repeat`) */
export const MAX_FD_REPEAT = 10_000_000;

export const STEP_NAMES = [
  'listen',
  'accept',
  'connect',
  'bind',
  'send',
  'recv',
  'sendFds',
  'recvFds',
  'shutdown',
  'close',
  'sleep',
  'waitFor',
  'exit',
  'crash',
  'ready',
] as const;

/** steps that may be written as a bare name (`- listen`): their options are all optional */
export const BARE_STEP_NAMES = ['listen', 'accept', 'connect', 'bind', 'recv', 'recvFds', 'shutdown', 'close', 'exit', 'crash', 'ready'] as const;
