// The JSON Schema (draft-07) of `ScenarioInput` in ./types.ts, key for key. Editors use it for
// completion and inline docs (`# yaml-language-server: $schema=...`), and the loader validates with
// it before the checks a schema cannot express (./normalize.ts and the modules it calls). Every object is closed
// (`additionalProperties: false`) so a misspelled key is an error, not a silently ignored option.
// Definitions are named so that the loader can say "must be a duration" instead of echoing the
// schema's structure; the error wording lives in ./schema-errors.ts.
import {
  BARE_STEP_NAMES,
  MAX_CLIENTS,
  MAX_FD_REPEAT,
  MAX_FDS_PER_MESSAGE,
  MAX_MESSAGE_COUNT,
  MAX_MESSAGE_SIZE,
  STEP_NAMES,
} from './limits';
import { POSIX_ERRNO_NAMES } from './errno-names';
import { DELAY_PER } from './types';

export type JsonSchema = { [keyword: string]: unknown };

export const SCENARIO_SCHEMA_ID = 'https://uds-fixture.dev/schema/scenario-v1.json';

const ref = (name: string, description: string): JsonSchema => ({ $ref: `#/definitions/${name}`, description });
const text = (description: string): JsonSchema => ({ type: 'string', description });
const flag = (description: string): JsonSchema => ({ type: 'boolean', description });
const closed = (description: string, properties: JsonSchema, required?: string[]): JsonSchema => ({
  type: 'object',
  description,
  properties,
  ...(required !== undefined ? { required } : {}),
  additionalProperties: false,
});
/** `- listen` written as `- listen:` parses as `{ listen: null }`; both mean "no options". */
const optional = (description: string, options: JsonSchema): JsonSchema => ({
  description,
  anyOf: [{ type: 'null', description: 'no options' }, options],
});

const common: JsonSchema = {
  timeout: ref('duration', 'How long this step may take before the peer fails it (default 10s).'),
  expectError: ref('errno', 'The errno code this step must fail with, e.g. `ECONNREFUSED`; the step then passes only if it fails so.'),
};

// SO_SNDBUF / SO_RCVBUF. Up to INT_MAX, what setsockopt(2) takes; the kernel clamps (Linux) or
// refuses (macOS, ENOBUFS) what is over its own limit.
const bufferBytes = (option: string, what: string): JsonSchema => ({
  type: 'integer',
  minimum: 1,
  maximum: 2147483647,
  description: `${what} in bytes (${option}), set before the step's system call; the step's event reports the size the kernel set (Linux doubles it and has a minimum).`,
});
const buffers: JsonSchema = {
  sndbuf: bufferBytes('SO_SNDBUF', 'The send buffer of the socket this step makes or uses: a datagram larger than it fails with EMSGSIZE'),
  rcvbuf: bufferBytes('SO_RCVBUF', 'The receive buffer of the socket this step makes or uses'),
};

const payloadKeys: JsonSchema = {
  text: text('Bytes as UTF-8 text (at most 1 MiB).'),
  hex: { type: 'string', pattern: '^[0-9A-Fa-f\\s]*$', description: 'Bytes in hexadecimal, e.g. `"00ff 10"` (spaces are ignored).' },
  base64: { type: 'string', pattern: '^[A-Za-z0-9+/=\\s_-]*$', description: 'Bytes in base64.' },
  file: text('Bytes of a file, relative to the scenario file.'),
  count: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_MESSAGE_COUNT,
    description: `Generated traffic: how many messages (at most ${MAX_MESSAGE_COUNT}). Needs \`size\`.`,
  },
  size: ref('size', 'Generated traffic: bytes per message, a number or a range `64..65536`.'),
  pattern: { type: 'string', enum: ['sequence'], description: 'Generated traffic: `sequence` messages carry sender, number, length and checksum.' },
};

const peerCred = closed('Peer credentials the other end must have (SO_PEERCRED / LOCAL_PEERCRED).', {
  uid: { description: 'A user id, or `self` (the harness user).', anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', enum: ['self'] }] },
  gid: { description: 'A group id, or `self` (the harness group).', anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', enum: ['self'] }] },
  pid: { description: 'A process id, or the name of a peer of this scenario.', anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string' }] },
});

// A name of an accepted connection: `accept: { as: a }` declares it, `on: a` uses it.
const connectionName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' };
const on: JsonSchema = {
  on: { ...connectionName, description: 'The accepted connection to use, by the name an earlier `accept: { as: NAME }` gave it (default: the most recently accepted).' },
};

const fdEnd = (what: string): JsonSchema => ({
  description: `Send ${what}; \`true\`, or \`{ content }\` to write into the other end first.`,
  anyOf: [
    { type: 'boolean', enum: [true] },
    closed(`Send ${what} with content.`, { content: text('What the sender writes into the other end before sending.') }),
  ],
});

const stepOptions: Record<string, JsonSchema> = {
  listen: optional(
    'Listen on the scenario socket (binds it first).',
    closed('Options of `listen`.', { ...common, ...buffers, backlog: { type: 'integer', minimum: 0, description: 'listen(2) backlog (default 128).' } }),
  ),
  accept: optional(
    'Accept one connection.',
    closed('Options of `accept`.', {
      ...common,
      ...buffers,
      expectPeer: { ...peerCred, description: 'Credentials the connecting peer must have.' },
      as: { ...connectionName, description: 'A name for this connection, for `on: NAME` in later steps.' },
    }),
  ),
  connect: optional(
    'Connect to the scenario socket (or `to`).',
    closed('Options of `connect`.', {
      ...common,
      ...buffers,
      to: text('Another address to connect to: a path relative to the run directory, or a peer id.'),
      expectPeer: { ...peerCred, description: 'Credentials the server must have.' },
    }),
  ),
  bind: optional(
    'Bind a socket: on the server, the scenario address (a datagram server that then receives); on a client, its own path (so a datagram server can answer).',
    closed('Options of `bind`.', { ...common, ...buffers, path: text('Path to bind, relative to the run directory, or `@name` (abstract).') }),
  ),
  send: {
    ...closed('Send one payload: exactly one of `text`, `hex`, `base64`, `file`, or generated traffic (`count` + `size`).', {
      ...common,
      ...buffers,
      ...payloadKeys,
      ...on,
      to: text('Datagram destination: a peer id or a path relative to the run directory.'),
    }),
    anyOf: ['text', 'hex', 'base64', 'file', 'count'].map((key) => ({ required: [key] })),
    dependencies: { count: ['size'], size: ['count'], pattern: ['count'] },
  },
  recv: optional('Receive; with a payload, what must arrive.', {
    ...closed(
      'Options of `recv`: the expected payload (one of `text`, `hex`, `base64`, `file`, or `count` + `size`) or what it must look like (`match`, `contains`, `json`), on a stream where it ends (`until`, `lengthPrefix`), `eof`, `from`.',
      {
        ...common,
        ...buffers,
        ...payloadKeys,
        ...on,
        match: text('A regular expression (JavaScript syntax) the received text must match, e.g. `"^OK \\d+"`.'),
        contains: { type: 'string', minLength: 1, description: 'Text the received text must contain.' },
        json: { description: 'A JSON value the received JSON must contain: every key of an object, deep; arrays element by element, same length; other values equal.' },
        until: {
          type: 'string',
          minLength: 1,
          description: 'Stream: read up to and including this delimiter, e.g. `"\\r\\n"`; what follows it stays queued for the next `recv` on the connection.',
        },
        capture: {
          type: 'object',
          description: 'With `json`: names for values at JSON paths, e.g. `{ id: $.items[0].id }`; later steps of any peer use them as `${capture.id}`.',
          propertyNames: { pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' },
          additionalProperties: { type: 'string', description: 'A JSON path: `$.key`, `$.list[0]`, `$["odd key"]`, `$`.' },
        },
        maxBytes: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_MESSAGE_SIZE,
          description: 'The receive buffer in bytes: a longer datagram or seqpacket message is cut (MSG_TRUNC); on a stream, one read takes at most this many.',
        },
        truncated: flag('Datagram or seqpacket, with `maxBytes`: the message must (`true`) or must not (`false`) have been longer than the buffer (MSG_TRUNC).'),
        lengthPrefix: {
          type: 'string',
          enum: ['u8', 'u16be', 'u16le', 'u32be', 'u32le'],
          description: 'Stream: read an unsigned length prefix of this width and byte order, then that many bytes (the message is the bytes after the prefix).',
        },
        eof: flag('Expect end of stream (the other end closed or shut down writing).'),
        from: text(
          'Who must have sent it: a peer id (datagram: any path that peer bound; stream or seqpacket server: the connection of that peer), or, for datagrams, a socket path relative to the run directory or `@name`.',
        ),
      },
    ),
    dependencies: { pattern: ['count'], size: ['count'] },
  }),
  sendFds: closed('Send descriptors with SCM_RIGHTS, carried by at least one data byte.', {
    ...common,
    ...buffers,
    ...on,
    files: { type: 'array', items: text('Name of an entry under `files:`.'), description: 'Declared files to open and send.' },
    pipe: fdEnd('the read end of a pipe'),
    socket: fdEnd('one end of a socketpair'),
    dir: text('A directory to open and send, relative to the run directory (`.` is the run directory).'),
    data: { type: 'string', minLength: 1, description: 'The data bytes that carry the descriptors (default `F`).' },
    repeat: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_FD_REPEAT,
      description: `Bulk mode: send the same descriptors this many times (at most ${MAX_FD_REPEAT}), one message each, in native code; the step reports one summary.`,
    },
  }),
  recvFds: closed('Receive descriptors and check them.', {
    ...common,
    ...buffers,
    ...on,
    count: { type: 'integer', minimum: 1, maximum: MAX_FDS_PER_MESSAGE, description: 'How many descriptors must arrive (default: the length of `expect`, or 1).' },
    room: { type: 'integer', minimum: 0, maximum: MAX_FDS_PER_MESSAGE, description: 'Control-buffer room in descriptors; less than what is sent provokes MSG_CTRUNC.' },
    expect: {
      type: 'array',
      description: 'What each received descriptor must be, in order.',
      items: closed('Checks on one received descriptor.', {
        sameFileAs: text('Name of a `files:` entry: the descriptor must be that same open file (device + inode).'),
        content: text('What reading the descriptor yields.'),
        mode: ref('mode', 'Permission bits, e.g. `"0644"`.'),
        type: { type: 'string', enum: ['file', 'pipe', 'socket', 'dir'], description: 'Kind of descriptor.' },
      }),
    },
    truncated: flag('Whether the control data must be truncated (MSG_CTRUNC); in bulk mode, of every message.'),
    data: text('Expected data bytes.'),
    repeat: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_FD_REPEAT,
      description:
        `Bulk mode: receive this many messages (at most ${MAX_FD_REPEAT}) in native code, check each descriptor (` +
        '`sameFileAs`, `type`, `mode`; not `content`), close it at once, and report one summary event.',
    },
  }),
  shutdown: {
    description: 'shutdown(2) the connection: `read`, `write` or `both` (default).',
    anyOf: [
      { type: 'null', description: 'both directions' },
      ref('shutdownHow', 'Which direction.'),
      closed('Options of `shutdown`.', { ...common, ...on, how: ref('shutdownHow', 'Which direction (default `both`).') }),
    ],
  },
  close: optional(
    'Close every socket of the peer and unlink the path it bound; with `on`, close only that accepted connection.',
    closed('Options of `close`.', {
      ...common,
      ...on,
      unlink: flag('Unlink the bound path (default true); `false` leaves a stale socket file behind.'),
    }),
  ),
  sleep: {
    description: 'Wait this long.',
    anyOf: [ref('duration', 'How long.'), closed('Options of `sleep`.', { for: ref('duration', 'How long.') }, ['for'])],
  },
  waitFor: {
    ...closed(
      'Wait until a peer has reported an event (each completed step is an event named after it), or until a capture is set (`capture`), or has a value (`value`).',
      {
        ...common,
        peer: text('The peer: `server`, `client`, or `client-N`.'),
        event: text('The event, e.g. `listen`, `accept`, `ready`.'),
        count: { type: 'integer', minimum: 1, description: 'Wait for this many such events (default 1).' },
        where: {
          type: 'object',
          description: 'With `event`: only events whose details hold these values count, compared as `json:` compares, e.g. `{ bytes: 5 }` or `{ captures: { state: idle } }`.',
        },
        capture: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$', description: 'A capture (a named group of a `match`, a name under `capture:`): wait until the `recv` that sets it has set it.' },
        value: { description: 'With `capture`: wait until the capture has this value (compared as text).', anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
      },
    ),
    anyOf: [{ required: ['peer', 'event'] }, { required: ['capture'] }],
    dependencies: { value: ['capture'], where: ['event'] },
  },
  exit: {
    description: 'Exit the peer with a code (default 0).',
    anyOf: [
      { type: 'null', description: 'exit 0' },
      ref('exitCode', 'The exit code.'),
      closed('Options of `exit`.', { code: ref('exitCode', 'The exit code.') }),
    ],
  },
  crash: {
    description: 'Kill the peer with a signal (default SIGKILL), for fault tests.',
    anyOf: [
      { type: 'null', description: 'SIGKILL' },
      ref('signal', 'The signal.'),
      closed('Options of `crash`.', { signal: ref('signal', 'The signal.') }),
    ],
  },
  ready: { type: 'null', description: 'Report readiness (for `ready: { event: ready }`).' },
};

const peerProperties: JsonSchema = {
  steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' }, description: 'A scripted peer: the steps it runs, in order.' },
  run: {
    type: 'array',
    minItems: 1,
    items: text('One argument; `${socket}`, `${dir}`, `${files.NAME}`, `${fd}` are substituted.'),
    description: 'An external peer: the program and its arguments (no shell).',
  },
  module: text('A peer module (relative to the scenario file) whose default export receives the typed socket API.'),
  env: { type: 'object', additionalProperties: text('Value of the variable.'), description: 'Extra environment variables.' },
  cwd: text('Working directory, relative to the scenario file (default: its directory).'),
  ready: {
    description: 'When the peer counts as ready: `socket` (the path accepts connections), `none`, `{ stdout: regex }` or `{ event: name }`.',
    anyOf: [
      { type: 'string', enum: ['socket', 'none'] },
      closed('Readiness by output or event.', {
        stdout: text('A regular expression; ready when a stdout line matches.'),
        event: text('Ready when the peer reports this event.'),
      }),
    ],
  },
  stop: closed(
    'When the harness stops this `run:` peer once the others are done (a server: every client ended; a client: the server ended): wait `after` for it to end by itself, then send `signal` to its process group, then SIGKILL after `grace`. Its exit is judged against `expect.exit`.',
    {
      after: ref('duration', 'How long to wait for the peer to end by itself (default 2s for a `run:` server; a client has no planned stop unless it declares one).'),
      signal: ref('signal', 'The signal then sent to its process group (default SIGTERM).'),
      grace: ref('duration', 'How long after the signal before SIGKILL (default 2s).'),
    },
  ),
};

const peer = (description: string): JsonSchema => closed(description, peerProperties);

export const scenarioJsonSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCENARIO_SCHEMA_ID,
  title: 'uds-fixture scenario (format v1)',
  description: 'A server and clients talking over a UNIX domain socket, and what must happen.',
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    $schema: text('The JSON Schema of this file, for editors.'),
    name: { type: 'string', minLength: 1, description: 'What the scenario shows; names the test.' },
    description: text('Longer explanation.'),
    tags: { type: 'array', items: text('A tag, for `--tag`.'), description: 'Tags to select scenarios with `--tag`.' },
    platforms: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: ['linux', 'darwin'], description: 'A platform.' },
      description: 'Where the scenario runs (default both); elsewhere it is skipped with the reason.',
    },
    timeout: ref('duration', 'Limit for the whole run (default 30s).'),
    allowOutsidePaths: flag(
      'Let relative paths (`from:`, `file:`, `module:`, `cwd:`) lead outside the scenario file\'s directory, and relative socket paths in steps outside the run directory. Off by default.',
    ),
    socket: {
      description: 'The socket type (`stream`, `dgram`, `seqpacket`), or `{ type, address }`.',
      anyOf: [
        ref('socketType', 'The socket type; the address is a path.'),
        closed('Socket type and address kind.', {
          type: ref('socketType', 'The socket type (default `stream`).'),
          address: {
            type: 'string',
            enum: ['path', 'abstract', 'pair'],
            description: '`path` (default), `abstract` (Linux only), or `pair` (a socketpair shared by server and client).',
          },
          sndbuf: bufferBytes('SO_SNDBUF', 'The send buffer of every socket a scripted peer makes, accepts or inherits'),
          rcvbuf: bufferBytes('SO_RCVBUF', 'The receive buffer of every socket a scripted peer makes, accepts or inherits'),
        }),
      ],
    },
    files: {
      type: 'object',
      description: 'Files created in the run directory before the peers start, by name.',
      additionalProperties: closed('A file: at most one of `content`, `hex`, `base64`, `from` (none: empty).', {
        content: text('Text content (UTF-8).'),
        hex: { type: 'string', pattern: '^[0-9A-Fa-f\\s]*$', description: 'Content in hexadecimal.' },
        base64: { type: 'string', pattern: '^[A-Za-z0-9+/=\\s_-]*$', description: 'Content in base64.' },
        from: text('Copy of a file, relative to the scenario file.'),
        mode: ref('mode', 'Permission bits, e.g. `"0600"`.'),
      }),
    },
    server: peer('The server peer: `steps`, `run`, or `module`.'),
    client: peer('One client peer (id `client`): `steps`, `run`, or `module`.'),
    clients: {
      ...closed('N client peers (ids `client-1` … `client-N`) running the same program.', {
        ...peerProperties,
        count: { type: 'integer', minimum: 1, maximum: MAX_CLIENTS, description: `How many clients (1 to ${MAX_CLIENTS}).` },
      }),
      required: ['count'],
    },
    proxy: {
      description:
        'Clients connect to a forwarding proxy (the harness) that connects each of them to the server, injects the declared faults and records what crosses; `true` forwards without faults.',
      anyOf: [
        { type: 'boolean', enum: [true], description: 'Forward without faults, recording what crosses.' },
        closed('The proxy: faults per direction, the seed, capture.', {
          seed: { type: 'integer', minimum: 0, maximum: 2 ** 53 - 1, description: 'Seed of every probabilistic fault (rate, jitter, chunk sizes); absent: picked by the run and reported.' },
          capture: flag('Record every forwarded message with a preview in the timeline (default true).'),
          toServer: ref('proxyFaults', 'Faults on what the clients send to the server.'),
          toClient: ref('proxyFaults', 'Faults on what the server sends to the clients.'),
        }),
      ],
    },
    expect: closed('Cross-peer expectations.', {
      exit: {
        type: 'object',
        description: 'Exit per peer id or role (`server`, `client`, `clients`, `client-N`); default: every peer exits 0.',
        additionalProperties: {
          description: 'An exit code, a signal name, or `{ code }` / `{ signal }`.',
          anyOf: [
            ref('exitCode', 'The exit code.'),
            ref('signal', 'The signal that must end the peer.'),
            closed('Exit code or signal.', { code: ref('exitCode', 'The exit code.'), signal: ref('signal', 'The signal.') }),
          ],
        },
      },
      stdout: { type: 'object', additionalProperties: text('A regular expression.'), description: 'Per peer: a regular expression its stdout must match.' },
      stderr: { type: 'object', additionalProperties: text('A regular expression.'), description: 'Per peer: a regular expression its stderr must match.' },
      ordering: { type: 'string', enum: ['strict', 'per-sender', 'none'], description: 'Order in which generated traffic must arrive.' },
      loss: { type: 'integer', minimum: 0, description: 'How many generated messages may be lost.' },
      duplicates: { type: 'integer', minimum: 0, description: 'How many duplicates may arrive.' },
      boundaries: { type: 'string', enum: ['preserved'], description: 'Message boundaries must be preserved.' },
      leftoverSockets: ref('policy', 'What a socket file left behind does (default `fail`).'),
      fdLeaks: ref('policy', 'What a leaked descriptor does (default `fail`).'),
      unreadData: ref('policy', 'What bytes a scripted peer never read before closing a stream or seqpacket connection do (default `fail`).'),
      within: ref('duration', 'Latency bound for generated traffic.'),
    }),
  },
  definitions: {
    duration: {
      description: 'A duration: `500ms`, `2s`, `1.5s`, `1m`, or a number of milliseconds.',
      anyOf: [
        { type: 'number', minimum: 0 },
        { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m)$' },
      ],
    },
    size: {
      description: `Bytes per message: a number, or a range \`min..max\` (1 to ${MAX_MESSAGE_SIZE}). A range is text, so a number written as text (\`"64"\`) is taken as that number too.`,
      anyOf: [
        { type: 'integer', minimum: 1, maximum: MAX_MESSAGE_SIZE },
        { type: 'string', pattern: '^\\s*[0-9]+\\s*(\\.\\.\\s*[0-9]+\\s*)?$' },
      ],
    },
    mode: {
      description: 'Permission bits: `"0644"`, or a number.',
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 0o7777 },
        { type: 'string', pattern: '^(0o|0)?[0-7]{1,4}$' },
      ],
    },
    errno: {
      type: 'string',
      description: 'An errno code such as `ECONNREFUSED`.',
      // The enum is there for editors to complete; the pattern admits the codes only one platform has.
      anyOf: [{ enum: [...POSIX_ERRNO_NAMES] }, { pattern: '^E[A-Z0-9]+$' }],
    },
    signal: { type: 'string', pattern: '^SIG[A-Z0-9]+$', description: 'A signal name such as `SIGTERM`.' },
    exitCode: { type: 'integer', minimum: 0, maximum: 255, description: 'An exit code, 0 to 255.' },
    socketType: { type: 'string', enum: ['stream', 'dgram', 'seqpacket'], description: 'A socket type.' },
    shutdownHow: { type: 'string', enum: ['read', 'write', 'both'], description: 'A shutdown direction.' },
    policy: { type: 'string', enum: ['fail', 'warn', 'ignore'], description: '`fail`, `warn`, or `ignore`.' },
    faultSelector: {
      description: 'Which messages: `true` (every one), or every condition given: `message` (number or list, from 1), `fromByte`, `after` (time since the connection opened), `rate` (seeded probability).',
      anyOf: [
        { type: 'boolean', enum: [true], description: 'Every message.' },
        closed('A selection of messages.', {
          message: {
            description: 'A message number of the direction (from 1), or a list.',
            anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 }],
          },
          fromByte: { type: 'integer', minimum: 0, description: 'Messages that start at or after this byte offset of the direction.' },
          after: ref('duration', 'Messages after this time since the connection opened.'),
          rate: { type: 'number', minimum: 0, maximum: 1, description: 'Probability, drawn from the seeded generator.' },
        }),
      ],
    },
    proxyFaults: closed('Faults on one direction of the proxy.', {
      chunk: ref('size', 'Stream: re-split into pieces of these sizes (`1`, `1..7`), each read by the receiver on its own.'),
      delay: {
        description: 'Hold each message (or the `when` ones) this long: `20ms`, or `{ time, jitter, when, per }`.',
        anyOf: [
          ref('duration', 'How long.'),
          closed('A delay with jitter.', {
            time: ref('duration', 'How long.'),
            jitter: ref('duration', 'Plus a seeded 0..jitter.'),
            when: ref('faultSelector', 'Which messages (default every one).'),
            per: { type: 'string', enum: [...DELAY_PER], description: 'What is held: each `message` (default), or each piece of a `chunk` re-split (stream, with `chunk` in the same direction).' },
          }),
        ],
      },
      drop: ref('faultSelector', 'Datagram/seqpacket: messages not forwarded (their descriptors closed).'),
      duplicate: ref('faultSelector', 'Datagram/seqpacket: messages forwarded twice.'),
      reorder: ref('faultSelector', 'Datagram/seqpacket: messages sent after the next one.'),
      corrupt: closed('Flip a byte.', {
        at: {
          description: 'Byte offset in the direction (from 0), or a list.',
          anyOf: [{ type: 'integer', minimum: 0 }, { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 }],
        },
      }, ['at']),
      reset: closed('End the connection abruptly (stream/seqpacket).', { afterBytes: { type: 'integer', minimum: 0, description: 'Bytes forwarded first.' } }, ['afterBytes']),
      stall: closed('Stop reading, so the sender meets backpressure.', {
        after: { type: 'integer', minimum: 0, description: 'Bytes forwarded first (default 0).' },
        for: ref('duration', 'How long.'),
      }, ['for']),
      dropFds: ref('faultSelector', 'Forward the bytes, close the descriptors that came with them.'),
      truncateFds: {
        description: 'Forward only the first `keep` descriptors of the selected messages.',
        anyOf: [
          { type: 'boolean', enum: [true], description: 'Every message, keep none.' },
          closed('Which messages, and how many descriptors to keep.', {
            keep: { type: 'integer', minimum: 0, description: 'Descriptors kept (default 0).' },
            message: {
              description: 'A message number of the direction (from 1), or a list.',
              anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 }],
            },
            fromByte: { type: 'integer', minimum: 0, description: 'Messages that start at or after this byte offset.' },
            after: ref('duration', 'Messages after this time since the connection opened.'),
            rate: { type: 'number', minimum: 0, maximum: 1, description: 'Seeded probability.' },
          }),
        ],
      },
    }),
    step: {
      description: 'A step: a bare name (`- listen`) or one name with its options (`- send: { text: hi }`).',
      anyOf: [
        { type: 'string', enum: [...BARE_STEP_NAMES] },
        {
          type: 'object',
          minProperties: 1,
          maxProperties: 1,
          additionalProperties: false,
          properties: Object.fromEntries(STEP_NAMES.map((name) => [name, { $ref: `#/definitions/step_${name}`, description: stepOptions[name]!.description }])),
        },
      ],
    },
    ...Object.fromEntries(STEP_NAMES.map((name) => [`step_${name}`, stepOptions[name]!])),
  },
};
