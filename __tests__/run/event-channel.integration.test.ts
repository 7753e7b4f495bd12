// The harness's side of the event channel against real processes (python3): one channel per
// direction, fd 3 peer → harness and fd 5 harness → peer (the relay).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { EVENTS_FD, RELAY_FD, type PeerEvent } from '../../src/protocol/events';
import { EventHub } from '../../src/run/event-channel';

const WAIT_MS = 10_000;

/** A python3 program with fd 3 (its events) and, when `relayed`, fd 5 (the relay) from the harness. */
function program(source: string, relayed = true): { child: ChildProcess; events: Readable; relay?: Writable; stdout: Readable } {
  const stdio = ['pipe', 'pipe', 'inherit', 'pipe', 'ignore', relayed ? 'pipe' : 'ignore'] as const;
  const child = spawn('python3', ['-c', source], { stdio: [...stdio] });
  const streams = child.stdio as unknown as Array<Readable & Writable>;
  return { child, events: streams[EVENTS_FD]!, relay: relayed ? streams[RELAY_FD]! : undefined, stdout: child.stdout! };
}

/** Resolves with the first stdout line that `test` accepts; bounded. */
function lineOn(stdout: Readable, test: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no such line on stdout within ${WAIT_MS} ms; got: ${text}`)), WAIT_MS);
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      text += chunk;
      const found = text.split('\n').find(test);
      if (found === undefined) return;
      clearTimeout(timer);
      resolve(found);
    });
  });
}

/** Resolves once `peer` has an event (named `ev`, or any) in the hub's timeline; bounded. */
function eventOf(hub: EventHub, peer: string, ev?: string): Promise<void> {
  const matches = (e: PeerEvent): boolean => e.peer === peer && (ev === undefined || e.ev === ev);
  return bounded(
    new Promise<void>((resolve) => {
      if (hub.timeline().some(matches)) resolve();
      hub.on((e) => matches(e) && resolve());
    }),
    `event ${ev ?? '(any)'} of ${peer}`,
  );
}

/** Everything written on stdout, once it ends; bounded. */
function allOf(stdout: Readable): Promise<string> {
  let text = '';
  stdout.setEncoding('utf8');
  stdout.on('data', (chunk: string) => (text += chunk));
  return bounded(once(stdout, 'end').then(() => text), 'stdout ending');
}

async function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${WAIT_MS} ms`)), WAIT_MS);
    });
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function killAll(children: ChildProcess[]): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

describe('the event channel (harness side)', () => {
  it('reads what a peer writes after a relay write to it failed: the failed write ends the relay only', async () => {
    // The program closes its relay, so the harness's next relay write fails (EPIPE); only then does
    // it write its last event. With one two-way descriptor, that failed write errored the stream
    // that still had the peer's last lines to read.
    const peer = program(`
import os, sys
os.write(3, b'{"ev":"first"}\\n')
os.close(5)
print("relay closed", flush=True)
sys.stdin.readline()
os.write(3, b'{"ev":"last"}\\n')
`);
    const hub = new EventHub();
    try {
      // Listened for from the start: relaying "first" itself may be the write that fails. (Not
      // events.once: the relay's error, EPIPE or ECONNRESET, would reject it; the hub handles that.)
      const relayFailed = new Promise((resolve) => peer.relay!.once('close', resolve));
      hub.attach('prog', peer.events, peer.relay);
      await lineOn(peer.stdout, (l) => l === 'relay closed');
      hub.harness('poke');
      await bounded(relayFailed, 'the relay write to a closed relay failing');
      expect(peer.relay!.destroyed).toBe(true);
      peer.child.stdin!.end('go\n');
      await bounded(once(peer.child, 'exit'), 'the program exiting');
      await hub.drain(WAIT_MS);
      expect(hub.timeline().filter((e) => e.peer === 'prog').map((e) => e.ev)).toEqual(['first', 'last']);
      expect(hub.warnings).toEqual([]);
    } finally {
      hub.close();
      killAll([peer.child]);
    }
  });

  it('reads a peer\'s last line, unterminated too, when it exits leaving relayed lines unread', async () => {
    // Relayed lines the peer never read make the kernel reset the connection as the peer exits.
    // When they travelled on fd 3, that reset came instead of end-of-file: the stream ended in an
    // error and the last line, still waiting for its newline, was dropped.
    const peer = program(`
import os, sys
sys.stdin.readline()
os.write(3, b'{"ev":"first"}\\n{"ev":"last"}')
`);
    const hub = new EventHub();
    try {
      hub.attach('prog', peer.events, peer.relay);
      hub.harness('unread');
      peer.child.stdin!.end('go\n');
      await bounded(once(peer.child, 'exit'), 'the program exiting');
      await hub.drain(WAIT_MS);
      expect(hub.timeline().filter((e) => e.peer === 'prog').map((e) => e.ev)).toEqual(['first', 'last']);
      expect(hub.warnings).toEqual([]);
    } finally {
      hub.close();
      killAll([peer.child]);
    }
  });

  it('relays every event once, in the order accepted, and gives a peer that starts later the earlier ones first', async () => {
    // The reader prints what the relay brought once the harness's "end" event is among it.
    const reader = `
import os, sys
buf = b''
while b'"ev":"end"' not in buf:
    chunk = os.read(5, 65536)
    if not chunk: break
    buf += chunk
sys.stdout.write(buf.decode())
`;
    const writer = program(`
import os
os.write(3, b'{"ev":"one","t":1}\\nnot json\\n{"ev":"two"')
os.write(3, b',"t":2}\\n')
`);
    const hub = new EventHub();
    const children = [writer.child];
    try {
      hub.attach('writer', writer.events, writer.relay);
      const early = program(reader);
      children.push(early.child);
      hub.attach('early', early.events, early.relay);
      const earlyOut = allOf(early.stdout);
      // (not hub.drain(): the readers' channels stay open until the end)
      await eventOf(hub, 'writer', 'two');
      // Both events are in (the second split across two writes); the garbage line is a warning.
      expect(hub.timeline().filter((e) => e.peer === 'writer').map((e) => e.ev)).toEqual(['one', 'two']);
      expect(hub.warnings.map((w) => w.code)).toEqual(['EVENT_MALFORMED']);
      const late = program(reader);
      children.push(late.child);
      hub.attach('late', late.events, late.relay);
      const lateOut = allOf(late.stdout);
      hub.harness('end');
      const relayed = (text: string): string[] =>
        text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { peer: string; ev: string })
          .map((e) => `${e.peer}:${e.ev}`);
      expect(relayed(await earlyOut)).toEqual(['writer:one', 'writer:two', 'harness:end']);
      expect(relayed(await lateOut)).toEqual(['writer:one', 'writer:two', 'harness:end']);
    } finally {
      hub.close();
      killAll(children);
    }
  });

  it('ends a scripted peer\'s relay when it closes (the peer\'s sign that the harness is gone); a program has no relay', async () => {
    const peer = program(`
import os
os.write(3, b'{"ev":"hello"}\\n')
while os.read(5, 65536):
    pass
print("relay ended", flush=True)
`);
    const plain = program(`
import os
os.write(3, b'{"ev":"hi"}\\n')
`, false);
    const hub = new EventHub();
    try {
      hub.attach('prog', peer.events, peer.relay);
      hub.attach('plain', plain.events);
      await Promise.all([eventOf(hub, 'prog'), eventOf(hub, 'plain')]);
      const ended = lineOn(peer.stdout, (l) => l === 'relay ended');
      hub.close();
      await ended;
      expect(hub.timeline().map((e) => `${e.peer}:${e.ev}`).sort()).toEqual(['plain:hi', 'prog:hello']);
      expect(hub.warnings).toEqual([]);
    } finally {
      killAll([peer.child, plain.child]);
    }
  });
});
