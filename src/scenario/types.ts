// The scenario format, v1, in two shapes:
// - `ScenarioInput`: what a user writes (YAML, JSON, or `defineScenario()`); it mirrors the JSON
//   Schema in ./schema.ts key for key, so keep the two in step.
// - `Scenario`: what the loader returns after validation: every default filled in, durations in
//   milliseconds, sizes as ranges, steps as tagged objects that remember their line in the file.
// Names are the contract that scenario files rely on (see the README's scenario reference).
import type { Problem } from './problem';

/** Where something was written: the file, 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export type Platform = 'linux' | 'darwin';
export type SocketType = 'stream' | 'dgram' | 'seqpacket';
export type AddressKind = 'path' | 'abstract' | 'pair';
export type LeftoverPolicy = 'fail' | 'warn' | 'ignore';
export type Ordering = 'strict' | 'per-sender' | 'none';
export type FdType = 'file' | 'pipe' | 'socket' | 'dir';
export type ShutdownHow = 'read' | 'write' | 'both';

/** A duration as written: `500ms`, `2s`, `1m`, or a number of milliseconds. */
export type DurationInput = string | number;
/** A size as written: `64`, `"64"`, or a range `"64..65536"`. */
export type SizeInput = number | string;

// ---------------------------------------------------------------------------------------------
// Input shape (what users write)
// ---------------------------------------------------------------------------------------------

/** Bytes given literally. Exactly one of these keys. `file` is a path relative to the scenario file. */
export type LiteralPayloadInput = { text: string } | { hex: string } | { base64: string } | { file: string };

/** Generated traffic, verified by the receiver in native code. */
export interface StreamPayloadInput {
  count: number;
  size: SizeInput;
  pattern?: 'sequence';
}

export type PayloadInput = LiteralPayloadInput | StreamPayloadInput;

/** Byte order and width of a length prefix (the prefix counts the bytes after it). */
export type LengthPrefix = 'u8' | 'u16be' | 'u16le' | 'u32be' | 'u32le';

/**
 * What a received message must look like rather than be (instead of an exact payload), and on a
 * stream where it ends: at a delimiter (`until`) or after a length prefix (`lengthPrefix`).
 */
export interface RecvMatchInput {
  /** a regular expression (JavaScript syntax) the received text must match */
  match?: string;
  /** text the received text must contain */
  contains?: string;
  /** a JSON value the received JSON must contain: objects by key, deep */
  json?: unknown;
  /** stream: read up to and including this delimiter */
  until?: string;
  /** stream: read a length prefix, then that many bytes */
  lengthPrefix?: LengthPrefix;
  /** with `json`: names for values at JSON paths (`{ id: $.items[0].id }`), used as `${capture.id}` */
  capture?: Record<string, string>;
  /** the receive buffer: a longer datagram or seqpacket message is cut (MSG_TRUNC); a stream read takes at most this */
  maxBytes?: number;
  /** datagram / seqpacket with `maxBytes`: whether the message must have been cut (MSG_TRUNC) */
  truncated?: boolean;
}

/** Options every step accepts. */
export interface CommonStepOptions {
  timeout?: DurationInput;
  /** The errno code this step must fail with, e.g. `ECONNREFUSED`. */
  expectError?: string;
}

export interface PeerCredExpect {
  uid?: number | 'self';
  gid?: number | 'self';
  /** a number, or the name of a peer of this scenario */
  pid?: number | string;
}

/**
 * Socket buffer sizes in bytes (SO_SNDBUF, SO_RCVBUF), set on the socket a step makes or uses
 * before its system call. The kernel may settle on another size (Linux doubles it); the step's
 * event reports the size it set.
 */
export interface SocketBuffersInput {
  sndbuf?: number;
  rcvbuf?: number;
}

/** Steps that use a connection may name one: `on: a`, declared earlier by `accept: { as: a }`. */
export interface OnConnection {
  on?: string;
}

export type StepInput =
  | string // a bare step name: `- listen`
  | { listen: null | (CommonStepOptions & SocketBuffersInput & { backlog?: number }) }
  | { accept: null | (CommonStepOptions & SocketBuffersInput & { expectPeer?: PeerCredExpect; as?: string }) }
  | { connect: null | (CommonStepOptions & SocketBuffersInput & { to?: string; expectPeer?: PeerCredExpect }) }
  | { bind: null | (CommonStepOptions & SocketBuffersInput & { path?: string }) }
  | { send: CommonStepOptions & SocketBuffersInput & OnConnection & PayloadInput & { to?: string } }
  | { recv: null | (CommonStepOptions & SocketBuffersInput & OnConnection & Partial<PayloadInput> & RecvMatchInput & { eof?: boolean; from?: string }) }
  | { sendFds: CommonStepOptions & SendFdsInput }
  | { recvFds: CommonStepOptions & RecvFdsInput }
  | { shutdown: null | ShutdownHow | (CommonStepOptions & OnConnection & { how?: ShutdownHow }) }
  | { close: null | (CommonStepOptions & OnConnection & { unlink?: boolean }) }
  | { sleep: DurationInput | { for: DurationInput } }
  | { waitFor: CommonStepOptions & WaitForInput }
  | { exit: null | number | { code?: number } }
  | { crash: null | string | { signal?: string } }
  | { ready: null };

/**
 * `waitFor` an event (`peer` + `event`, `count` times; with `where`, events holding those values), or a capture: `capture` (the name of a
 * value some `recv` captures) until it is set, or until it has `value`.
 */
export interface WaitForInput {
  peer?: string;
  event?: string;
  count?: number;
  /** with `event`: only events whose details hold these values (as `json:` compares) count */
  where?: Record<string, unknown>;
  capture?: string;
  value?: string | number | boolean;
}

export interface SendFdsInput extends OnConnection, SocketBuffersInput {
  /** names of entries under `files:` */
  files?: string[];
  /** a pipe whose read end is sent; the sender writes `content` into the write end and closes it */
  pipe?: true | { content?: string };
  /** one end of a fresh socketpair; the sender writes `content` into the other end */
  socket?: true | { content?: string };
  /** a directory, relative to the run directory (`.` is the run directory) */
  dir?: string;
  /** the data bytes that carry the descriptors (at least one byte is always sent) */
  data?: string;
  /** bulk mode: send the same descriptors this many times, one message each, in native code */
  repeat?: number;
}

export interface FdExpectInput {
  /** name of a `files:` entry: the received descriptor must be the same open file (dev + inode) */
  sameFileAs?: string;
  /** what reading the descriptor yields (from its current offset, or from 0 for regular files) */
  content?: string;
  /** permission bits, e.g. `0644` or `"0644"` */
  mode?: number | string;
  type?: FdType;
}

export interface RecvFdsInput extends OnConnection, SocketBuffersInput {
  count?: number;
  /** control-buffer room in descriptors; smaller than what is sent provokes MSG_CTRUNC */
  room?: number;
  expect?: FdExpectInput[];
  truncated?: boolean;
  /** expected data bytes */
  data?: string;
  /** bulk mode: receive this many messages in native code and report one summary (`content` cannot be checked) */
  repeat?: number;
}

export interface ReadyInputObject {
  stdout?: string;
  event?: string;
}
export type ReadyInput = 'socket' | 'none' | ReadyInputObject;

/**
 * The planned stop of a `run:` peer: once the others are done (a server: every client ended; a
 * client: the server ended), wait `after` for it to end by itself, then send `signal` to its
 * process group, then SIGKILL after `grace`.
 */
export interface StopInput {
  /** how long to wait for the peer to end by itself (default 2s for a `run:` server) */
  after?: DurationInput;
  /** the signal then sent to its process group (default SIGTERM) */
  signal?: string;
  /** how long after the signal before SIGKILL (default: the run's grace, 2s) */
  grace?: DurationInput;
}

export interface PeerInput {
  steps?: StepInput[];
  run?: string[];
  module?: string;
  env?: Record<string, string>;
  cwd?: string;
  ready?: ReadyInput;
  stop?: StopInput;
}

export interface ClientsInput extends PeerInput {
  count: number;
}

export interface FileInput {
  content?: string;
  hex?: string;
  base64?: string;
  /** copy of a file, relative to the scenario file */
  from?: string;
  mode?: number | string;
}

export interface ExitExpectInput {
  [peer: string]: number | string | { code?: number; signal?: string };
}

export interface ExpectInput {
  exit?: ExitExpectInput;
  stdout?: Record<string, string>;
  stderr?: Record<string, string>;
  ordering?: Ordering;
  loss?: number;
  duplicates?: number;
  boundaries?: 'preserved';
  leftoverSockets?: LeftoverPolicy;
  fdLeaks?: LeftoverPolicy;
  /** a scripted peer closing a stream or seqpacket connection with bytes it never read */
  unreadData?: LeftoverPolicy;
  within?: DurationInput;
}

// The forwarding proxy between clients and server (`proxy:`), per direction `toServer` (client→server)
// and `toClient`; src/scenario/proxy-faults.ts checks these.
/**
 * Which messages a fault applies to. `true` is every message; otherwise every condition given
 * must hold: `message` (1-based number, or a list, in the direction), `fromByte` (the message starts
 * at or after this byte of the direction), `after` (time since the connection opened), and `rate`
 * (a seeded probability, drawn last).
 */
export type FaultSelectorInput = true | { message?: number | number[]; fromByte?: number; after?: DurationInput; rate?: number };

/** What a `delay` holds: each message (a read, on a stream), or each piece of a `chunk` re-split. */
export type DelayPer = 'message' | 'chunk';
export const DELAY_PER: readonly DelayPer[] = ['message', 'chunk'];

export interface ProxyFaultsInput {
  /** stream: re-split what crosses into pieces of these sizes (`1`, `1..7`), each read on its own */
  chunk?: SizeInput;
  /**
   * hold each message (or the selected ones) this long; `jitter` adds a seeded 0..jitter; `per: chunk`
   * (stream, with `chunk` in the same direction) holds each piece of the re-split instead
   */
  delay?: DurationInput | { time: DurationInput; jitter?: DurationInput; when?: FaultSelectorInput; per?: DelayPer };
  /** datagram / seqpacket: the message is not forwarded (its descriptors are closed) */
  drop?: FaultSelectorInput;
  /** datagram / seqpacket: the message is forwarded twice */
  duplicate?: FaultSelectorInput;
  /** datagram / seqpacket: the message goes after the next one (alone after 100 ms of quiet) */
  reorder?: FaultSelectorInput;
  /** flip the byte at these offsets of the direction (xor 0xff) */
  corrupt?: { at: number | number[] };
  /** stream / seqpacket: after this many bytes, close the connection abruptly (see README) */
  reset?: { afterBytes: number };
  /** stop reading for `for` once `after` bytes have crossed, so the sender meets backpressure */
  stall?: { after: number; for: DurationInput };
  /** forward the bytes, close the descriptors that came with them */
  dropFds?: FaultSelectorInput;
  /** forward only the first `keep` (default 0) descriptors of a message */
  truncateFds?: true | { keep?: number; message?: number | number[]; fromByte?: number; after?: DurationInput; rate?: number };
}

export interface ProxyInput {
  /** seed of every probabilistic choice (rate, jitter, chunk sizes); random when absent, always reported */
  seed?: number;
  /** report every forwarded message with a preview (default true in scenarios) */
  capture?: boolean;
  toServer?: ProxyFaultsInput;
  toClient?: ProxyFaultsInput;
}

export interface ScenarioInput {
  name: string;
  description?: string;
  tags?: string[];
  platforms?: Platform[];
  timeout?: DurationInput;
  /** relative paths may lead outside the scenario's directory (and step socket paths outside the run directory) */
  allowOutsidePaths?: boolean;
  /** `sndbuf` / `rcvbuf`: buffer sizes of every socket a scripted peer makes, accepts or inherits */
  socket?: SocketType | ({ type?: SocketType; address?: AddressKind } & SocketBuffersInput);
  files?: Record<string, FileInput>;
  server?: PeerInput;
  client?: PeerInput;
  clients?: ClientsInput;
  /** clients connect to a proxy that forwards to the server, injecting faults and recording what crosses */
  proxy?: true | ProxyInput;
  expect?: ExpectInput;
}

// ---------------------------------------------------------------------------------------------
// Normalized shape (what the loader returns)
// ---------------------------------------------------------------------------------------------

export interface SizeRange {
  min: number;
  max: number;
}

export type Payload =
  /** `base64` holds the bytes, so a normalized scenario stays JSON (it travels to peer processes) */
  | { kind: 'bytes'; base64: string; source: 'text' | 'hex' | 'base64' | 'file' }
  | { kind: 'sequence'; count: number; size: SizeRange };

/** A `recv` check that is not an exact payload. */
export type RecvMatcher = { kind: 'match'; regex: string } | { kind: 'contains'; text: string } | { kind: 'json'; value: unknown };

/** Where a stream message ends: after a delimiter (kept in the message) or a length-prefixed body. */
export type StreamFrame = { kind: 'until'; delimiter: string } | { kind: 'lengthPrefix'; prefix: LengthPrefix };

/** A `${capture.NAME}` a step uses, and the step that sets it (for "never set" errors). */
export interface CaptureUse {
  name: string;
  /** the peer id that declares it (`client` also for a `clients:` group) */
  peer: string;
  step: number;
  line?: number;
}

/** `sndbuf` / `rcvbuf` of a step that makes or uses a socket (absent: the scenario's, else the system's). */
export interface SocketBuffers {
  sndbuf?: number;
  rcvbuf?: number;
}

interface StepBase {
  /** position of the step in the file, for failure messages */
  pos?: SourcePos;
  /** 0-based index in the peer's step list */
  index: number;
  timeoutMs?: number;
  expectError?: string;
}

export interface PeerCredExpectation {
  uid?: number | 'self';
  gid?: number | 'self';
  pid?: number | string;
}

export interface FdExpectation {
  sameFileAs?: string;
  content?: string;
  mode?: number;
  type?: FdType;
}

export type Step =
  | (StepBase & SocketBuffers & { step: 'listen'; backlog: number })
  | (StepBase & SocketBuffers & { step: 'accept'; expectPeer?: PeerCredExpectation; as?: string })
  | (StepBase & SocketBuffers & { step: 'connect'; to?: string; expectPeer?: PeerCredExpectation })
  | (StepBase & SocketBuffers & { step: 'bind'; path?: string })
  | (StepBase & SocketBuffers & OnConnection & { step: 'send'; payload: Payload; to?: string; uses?: CaptureUse[] })
  | (StepBase &
      SocketBuffers &
      OnConnection & {
        step: 'recv';
        payload?: Payload;
        matcher?: RecvMatcher;
        frame?: StreamFrame;
        /** with a `json` matcher: capture name → JSON path */
        capture?: Record<string, string>;
        maxBytes?: number;
        truncated?: boolean;
        eof?: boolean;
        from?: string;
        uses?: CaptureUse[];
      })
  | (StepBase & SocketBuffers & OnConnection & {
      step: 'sendFds';
      files: string[];
      pipe?: { content: string };
      socket?: { content: string };
      dir?: string;
      data: string;
      /** bulk mode when present (absent: one message, as ever) */
      repeat?: number;
    })
  | (StepBase & SocketBuffers & OnConnection & {
      step: 'recvFds';
      count: number;
      room?: number;
      expect: FdExpectation[];
      truncated?: boolean;
      data?: string;
      /** bulk mode when present (absent: one message, as ever) */
      repeat?: number;
    })
  | (StepBase & OnConnection & { step: 'shutdown'; how: ShutdownHow })
  | (StepBase & OnConnection & { step: 'close'; unlink: boolean })
  | (StepBase & { step: 'sleep'; ms: number })
  | (StepBase & {
      step: 'waitFor';
      peer: string;
      /** with `capture`: `recv`, the event that carries captures */
      event: string;
      count: number;
      /** only events whose details hold these values count */
      where?: Record<string, unknown>;
      /** wait until this capture is set (and has `value`); `peer` is the peer that sets it, `uses` the step */
      capture?: string;
      /** with `capture`: the value it must have, as text */
      value?: string;
      uses?: CaptureUse[];
    })
  | (StepBase & { step: 'exit'; code: number })
  | (StepBase & { step: 'crash'; signal: string })
  | (StepBase & { step: 'ready' });

export type StepName = Step['step'];

export type Ready = { kind: 'socket' } | { kind: 'none' } | { kind: 'stdout'; pattern: string } | { kind: 'event'; event: string };

/** A `stop:` as written, in milliseconds. Absent on a peer: the default for its kind (src/plan/stop.ts). */
export interface StopPolicy {
  afterMs: number;
  signal: string;
  /** absent: the run's grace (PlanOptions.graceMs, 2 s) */
  graceMs?: number;
  pos?: SourcePos;
}

interface PeerCommon {
  env: Record<string, string>;
  /** absolute; defaults to the scenario file's directory */
  cwd?: string;
  ready: Ready;
  /** only on `run:` peers; absent: the default (a `run:` server is stopped 2 s after its clients, a client never) */
  stop?: StopPolicy;
  pos?: SourcePos;
}

export type PeerProgram =
  | { kind: 'steps'; steps: Step[] }
  /** `programPos`: where argv[0] was written, for a program that cannot be found */
  | { kind: 'run'; argv: string[]; programPos?: SourcePos }
  /** absolute path of a module whose default export receives the typed socket API */
  | { kind: 'module'; module: string };

export type PeerSpec = PeerCommon & PeerProgram;

export interface FileSpec {
  bytes: Buffer;
  mode?: number;
}

export interface ExitExpectation {
  code?: number;
  signal?: string;
}

export interface Expectations {
  /** per peer id or role (`server`, `client`, `clients` = every client); default: every peer exits 0 */
  exit: Record<string, ExitExpectation>;
  stdout: Record<string, string>;
  stderr: Record<string, string>;
  ordering?: Ordering;
  loss?: number;
  duplicates?: number;
  boundaries?: 'preserved';
  leftoverSockets: LeftoverPolicy;
  fdLeaks: LeftoverPolicy;
  unreadData: LeftoverPolicy;
  withinMs?: number;
}

/** Which messages a fault applies to (normalized): every condition given must hold, `rate` drawn last. */
export interface FaultSelector {
  messages?: number[];
  rate?: number;
  fromByte?: number;
  afterMs?: number;
}

/** One direction's faults, normalized (the native engine's form). */
export interface ProxyFaults {
  chunkMin?: number;
  chunkMax?: number;
  delayMs?: number;
  jitterMs?: number;
  delayWhen?: FaultSelector;
  /** `delay: { per: chunk }`: each piece of the `chunk` re-split held, not each message */
  delayPerChunk?: boolean;
  drop?: FaultSelector;
  duplicate?: FaultSelector;
  reorder?: FaultSelector;
  dropFds?: FaultSelector;
  truncateFds?: FaultSelector;
  truncateKeep?: number;
  corruptAt?: number[];
  resetAfterBytes?: number;
  stallAfterBytes?: number;
  stallForMs?: number;
}

export interface ProxySpec {
  /** absent: the run picks one and reports it */
  seed?: number;
  capture: boolean;
  toServer: ProxyFaults;
  toClient: ProxyFaults;
}

export interface Scenario {
  name: string;
  description?: string;
  tags: string[];
  platforms: Platform[];
  timeoutMs: number;
  /** set by `allowOutsidePaths: true`: relative paths were allowed to lead outside their directory */
  allowOutsidePaths?: boolean;
  socket: { type: SocketType; address: AddressKind } & SocketBuffers;
  files: Record<string, FileSpec>;
  server?: PeerSpec;
  /** `client:` is a group of one; `clients: { count: N }` a group of N, ids client-1..client-N */
  clients?: PeerSpec & { count: number; single: boolean };
  /** clients connect to the harness's forwarding proxy, which connects to the server */
  proxy?: ProxySpec;
  expect: Expectations;
  /** absolute path of the file it came from; undefined for inline scenarios */
  file?: string;
  /** directory that relative paths resolve against */
  baseDir: string;
  /** valid input that is probably not what was meant (`severity: 'warning'`), at file:line:col; the CLI prints them */
  warnings?: Problem[];
}

/**
 * The events a scripted peer writes besides one per completed step, which a `waitFor` may name
 * too (what each carries is the event channel's business: src/protocol/events.ts).
 */
export const SCRIPTED_EVENT_NAMES = ['start', 'ready', 'fail', 'error', 'traffic', 'message', 'stopped', 'fds', 'unread', 'done'] as const;

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
/** How long a `run:` server may take to end by itself after its last client, before its planned stop. */
export const DEFAULT_STOP_AFTER_MS = 2_000;
export const DEFAULT_STOP_SIGNAL = 'SIGTERM';
