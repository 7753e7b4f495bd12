// Bulk descriptor passing (`repeat`) between real processes: the native engine sends the same
// descriptors again and again; the receiver checks each one (device + inode, kind, mode), closes
// it at once and reports one summary. Mismatches and truncation are named by message number, and
// no path (done, mismatch, truncation, cancel, close) leaves a descriptor behind.
import { chmodSync, closeSync, fstatSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PeerEvent } from '../../src/protocol/events';
import { UnixSocket } from '../../src/socket';
import { receiveDescriptors, sendDescriptors, TrafficError, type FdSenderSummary } from '../../src/traffic';
import { inWorld, SUCCEEDED, type PeerWorld, type StepSpec } from '../peer/helpers';
import { makeTempDir } from '../socket/temp-dir';
import { startChild, type Child } from './processes';

const FD_SENDER = '__tests__/traffic/children/fd-sender.ts';

function identity(file: string): { dev: string; ino: string } {
  const st = statSync(file, { bigint: true });
  return { dev: st.dev.toString(), ino: st.ino.toString() };
}

/**
 * The descriptors open in this process. Leak checks compare sets, not counts: Jest itself opens
 * and closes descriptors (a previous test's child pipes) while a test runs.
 */
function openFds(): Set<number> {
  const listed = readdirSync(process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd').map(Number);
  return new Set(listed.filter((fd) => {
    try {
      fstatSync(fd);
      return true;
    } catch {
      return false; // the directory listing's own descriptor, closed by now
    }
  }));
}

/** Descriptors open now that were not open in `before`. */
function openedSince(before: Set<number>): number[] {
  return [...openFds()].filter((fd) => !before.has(fd));
}

/** Waits until `condition` holds, checking every few milliseconds; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A listening stream socket in a fresh directory, a child sender connected to it, and teardown. */
async function withSenderChild(
  files: (dir: string) => string[],
  repeat: number,
  body: (conn: UnixSocket, child: Child, dir: string) => Promise<void>,
): Promise<void> {
  const tmp = makeTempDir();
  const server = UnixSocket.create('stream');
  let conn: UnixSocket | undefined;
  let child: Child | undefined;
  try {
    const sockPath = path.join(tmp.dir, 's.sock');
    server.bind(sockPath);
    server.listen(1);
    child = startChild(FD_SENDER, [sockPath, JSON.stringify({ files: files(tmp.dir), repeat })]);
    conn = await server.accept();
    await body(conn, child, tmp.dir);
  } finally {
    child?.kill();
    if (conn && !conn.closed) conn.close();
    server.close();
    tmp.remove();
  }
}

function declare(world: PeerWorld): Record<string, string> {
  const files = { log: path.join(world.dir, 'log.txt'), other: path.join(world.dir, 'other.txt'), extra: path.join(world.dir, 'extra.txt') };
  writeFileSync(files.log, 'line one\n');
  chmodSync(files.log, 0o640);
  writeFileSync(files.other, 'other\n');
  writeFileSync(files.extra, 'extra\n');
  return files;
}

const serverSteps = (recvFds: Omit<Extract<StepSpec, { step: 'recvFds' }>, 'step'>): StepSpec[] => [
  { step: 'listen', backlog: 8 },
  { step: 'accept' },
  { step: 'recvFds', ...recvFds },
  { step: 'close', unlink: true },
];

const clientSteps = (sendFds: Omit<Extract<StepSpec, { step: 'sendFds' }>, 'step' | 'data'>): StepSpec[] => [
  { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
  { step: 'connect' },
  { step: 'sendFds', data: 'F', ...sendFds },
  { step: 'waitFor', peer: 'server', event: 'recvFds', count: 1 },
];

function expectNoLeak(...events: (PeerEvent | undefined)[]): void {
  for (const fds of events) {
    expect(fds).toMatchObject({ leaked: [] });
    expect(fds!.after).toBeLessThanOrEqual(fds!.before as number);
  }
}

describe('bulk descriptor passing', () => {
  it('20 000 transfers from another process: each descriptor is the file sent, and the receiver ends with the descriptors it started with', async () => {
    await withSenderChild(
      (dir) => {
        writeFileSync(path.join(dir, 'log'), 'x');
        return [path.join(dir, 'log')];
      },
      20_000,
      async (conn, child, dir) => {
        const before = openFds();
        const received = await receiveDescriptors(conn, { count: 1, repeat: 20_000, expect: [{ sameFile: { name: 'log', ...identity(path.join(dir, 'log')) }, type: 'file' }] }).result;
        const leaked = openedSince(before);
        expect(received).toMatchObject({ role: 'fd-receiver', repeat: 20_000, received: 20_000, mismatched: 0, truncatedCount: 0, descriptors: 20_000, bytes: 20_000, firstMismatches: [], stopped: 'complete' });
        expect(received.elapsedNs).toBeGreaterThan(0);
        expect(leaked).toEqual([]);
        expect(await child.json<FdSenderSummary>()).toMatchObject({ role: 'fd-sender', repeat: 20_000, sent: 20_000, descriptors: 1, stopped: 'complete' });
      },
    );
  });

  it('scripted peers: one `recvFds` summary event for 20 000 messages, and neither peer leaks a descriptor', async () => {
    await inWorld(async (world) => {
      const files = declare(world);
      const [server, client] = world.startRelayed([
        { id: 'server', files, fdAccounting: true, steps: serverSteps({ count: 1, repeat: 20_000, expect: [{ sameFileAs: 'log', type: 'file', mode: 0o640 }], timeoutMs: 20_000 }) },
        { id: 'client', files, fdAccounting: true, steps: clientSteps({ files: ['log'], repeat: 20_000, timeoutMs: 20_000 }) },
      ]);
      expect(await server!.outcome(30_000)).toEqual(SUCCEEDED);
      expect(await client!.outcome(30_000)).toEqual(SUCCEEDED);
      // A peer's last events may still be in the pipe when its exit is seen; `fds` comes last.
      const [serverFds, clientFds] = [await server!.waitForEvent('fds'), await client!.waitForEvent('fds')];
      const summaries = server!.named('recvFds');
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toMatchObject({ count: 1, repeat: 20_000, received: 20_000, mismatched: 0, truncatedCount: 0, firstMismatches: [], descriptors: 20_000 });
      expect(typeof summaries[0]!.elapsedNs).toBe('number');
      expect(client!.named('sendFds')[0]).toMatchObject({ count: 1, repeat: 20_000, sent: 20_000 });
      expectNoLeak(serverFds, clientFds);
    });
  }, 40_000);

  it('a different file than expected fails FD_MISMATCH with message number, descriptor and both identities', async () => {
    await inWorld(async (world) => {
      const files = declare(world);
      const [server] = world.startRelayed([
        { id: 'server', files, steps: serverSteps({ count: 1, repeat: 50, expect: [{ sameFileAs: 'log' }] }) },
        { id: 'client', files, steps: clientSteps({ files: ['other'], repeat: 50 }) },
      ]);
      expect((await server!.waitForExit()).code).toBe(1);
      const fail = await server!.waitForEvent('fail');
      const want = identity(files.log);
      const got = identity(files.other);
      expect(server!.named('fail')).toHaveLength(1);
      expect(fail).toMatchObject({
        code: 'FD_MISMATCH',
        message: `message #1: descriptor 1 is not the file \`log\` (dev ${want.dev} ino ${want.ino} expected, got dev ${got.dev} ino ${got.ino}); 50 of 50 messages did not match`,
        got: { received: 50, mismatched: 50, truncatedCount: 0 },
      });
      expect((fail.got as { firstMismatches: unknown[] }).firstMismatches).toHaveLength(10);
      expect(server!.named('recvFds')).toEqual([]);
    });
  });

  it('names the one message that differs (#3 of 5), its kind and mode, and closes all of them', async () => {
    const tmp = makeTempDir();
    const [a, b] = UnixSocket.pair('stream');
    const log = path.join(tmp.dir, 'log');
    const pipeLike = path.join(tmp.dir, 'other');
    writeFileSync(log, 'x');
    chmodSync(log, 0o600);
    writeFileSync(pipeLike, 'y');
    const fds = [openSync(log, 'r'), openSync(pipeLike, 'r')];
    try {
      const before = openFds();
      const run = receiveDescriptors(b, { count: 1, repeat: 5, expect: [{ sameFile: { name: 'log', ...identity(log) }, type: 'file', mode: 0o600 }] });
      for (let i = 1; i <= 5; i++) await a.send(Buffer.from('F'), { fds: [i === 3 ? fds[1]! : fds[0]!] });
      const summary = await run.result;
      expect(openedSince(before)).toEqual([]);
      const want = identity(log);
      const got = identity(pipeLike);
      expect(summary).toMatchObject({ received: 5, mismatched: 1, truncatedCount: 0, descriptors: 5 });
      expect(summary.firstMismatches).toEqual([
        {
          message: 3,
          kind: 'mode',
          descriptor: 1,
          expected: 0o600,
          got: fstatSync(fds[1]!).mode & 0o777,
          text: `message #3: descriptor 1 has mode 0${(fstatSync(fds[1]!).mode & 0o777).toString(8)}, expected 0600`,
        },
      ]);
      // Same check order as a single message: kind, then mode, then identity.
      chmodSync(pipeLike, 0o600);
      const second = receiveDescriptors(b, { count: 1, repeat: 1, expect: [{ sameFile: { name: 'log', ...want }, type: 'file', mode: 0o600 }] });
      await a.send(Buffer.from('F'), { fds: [fds[1]!] });
      expect((await second.result).firstMismatches[0]!.text).toBe(`message #1: descriptor 1 is not the file \`log\` (dev ${want.dev} ino ${want.ino} expected, got dev ${got.dev} ino ${got.ino})`);
    } finally {
      for (const fd of fds) closeSync(fd);
      a.close();
      b.close();
      tmp.remove();
    }
  });

  it('room smaller than sent: every message counted truncated, as declared, and no peer leaks', async () => {
    await inWorld(async (world) => {
      const files = declare(world);
      const [server, client] = world.startRelayed([
        { id: 'server', files, fdAccounting: true, steps: serverSteps({ count: 3, room: 1, truncated: true, repeat: 500, expect: [{ sameFileAs: 'log' }] }) },
        { id: 'client', files, fdAccounting: true, steps: clientSteps({ files: ['log', 'other', 'extra'], repeat: 500 }) },
      ]);
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      // A peer's last events may still be in the pipe when its exit is seen; `fds` comes last.
      expectNoLeak(await server!.waitForEvent('fds'), await client!.waitForEvent('fds'));
      expect(server!.named('recvFds')[0]).toMatchObject({ repeat: 500, received: 500, truncatedCount: 500, mismatched: 0, descriptors: 500 });
    });
  });

  it('truncation nobody declared fails TRUNCATION_MISMATCH, naming the first message', async () => {
    await inWorld(async (world) => {
      const files = declare(world);
      const [server] = world.startRelayed([
        { id: 'server', files, steps: serverSteps({ count: 1, repeat: 100, expect: [] }) },
        { id: 'client', files, steps: clientSteps({ files: ['log', 'other'], repeat: 100 }) },
      ]);
      expect((await server!.waitForExit()).code).toBe(1);
      expect(await server!.waitForEvent('fail')).toMatchObject({
        code: 'TRUNCATION_MISMATCH',
        message: 'message #1: the descriptors did not fit in room for 1 (MSG_CTRUNC); declare `truncated: true` if that is the point, or give more room; 100 of 100 messages did not match',
        got: { received: 100, truncatedCount: 100 },
      });
    });
  });

  it('cancel mid-run: the receiver stops within the run, and holds no descriptor it received', async () => {
    await withSenderChild(
      () => ['/dev/null'],
      10_000_000,
      async (conn) => {
        const before = openFds();
        const run = receiveDescriptors(conn, { count: 1, repeat: 10_000_000, expect: [{ sameFile: { name: 'null', ...identity('/dev/null') } }] });
        await until(() => run.progress().messages >= 2_000, 'receiving 2000 messages');
        run.cancel();
        const summary = await run.result;
        expect(summary.stopped).toBe('cancelled');
        expect(summary.received).toBeGreaterThanOrEqual(2_000);
        expect(summary.received).toBeLessThan(10_000_000);
        expect(summary).toMatchObject({ mismatched: 0, descriptors: summary.received });
        expect(openedSince(before)).toEqual([]);
      },
    );
  });

  it('the socket closed mid-run: the run ends with ECANCELED, keeping its counts, and nothing leaks', async () => {
    await withSenderChild(
      () => ['/dev/null'],
      10_000_000,
      async (conn) => {
        const before = openFds();
        const run = receiveDescriptors(conn, { count: 1, repeat: 10_000_000, expect: [] });
        await until(() => run.progress().messages >= 1_000, 'receiving 1000 messages');
        conn.close();
        const error = await run.result.then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(TrafficError);
        expect(error).toMatchObject({ code: 'ECANCELED', summary: { role: 'fd-receiver', stopped: 'closed' } });
        expect((error as TrafficError).summary).toMatchObject({ received: expect.any(Number) as number });
        expect(openedSince(before)).toEqual([]);
      },
    );
  });

  it('a sender cancelled while nobody reads closes its duplicates, and the unread messages go with the socket', async () => {
    const before = openFds();
    const [a, b] = UnixSocket.pair('stream');
    const fd = openSync('/dev/null', 'r');
    try {
      const run = sendDescriptors(a, { fds: [fd], data: Buffer.from('F'), repeat: 10_000_000 });
      // The peer never reads: the socket buffer fills and the sender waits for room.
      await until(() => run.progress().messages > 0, 'the first messages to be queued');
      run.cancel();
      const summary: FdSenderSummary = await run.result;
      expect(summary.stopped).toBe('cancelled');
      expect(summary.sent).toBeGreaterThan(0);
      expect(summary.sent).toBeLessThan(10_000_000);
    } finally {
      closeSync(fd);
      a.close();
      b.close();
    }
    expect(openedSince(before)).toEqual([]);
  });
});
