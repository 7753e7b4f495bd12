// Every descriptor the socket layer makes is non-blocking and close-on-exec: sockets from
// create() and pair(), a connection from accept(), and an inherited descriptor adopted with
// fromFd(). Checked for real: the open flags the kernel shows in /proc/self/fdinfo (Linux), and a
// child started with spawnSync, which must not hold any of them after exec.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';

import { UnixSocket, type SocketType } from '../../src/socket';
import { childScript } from '../helpers/child-script';
import { makeTempDir } from './temp-dir';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const HAS_FDINFO = existsSync('/proc/self/fdinfo');
const FD_DIR = existsSync('/proc/self/fd') ? '/proc/self/fd' : existsSync('/dev/fd') ? '/dev/fd' : undefined;
const itFdinfo = HAS_FDINFO ? it : it.skip;
const itFdList = FD_DIR ? it : it.skip;
const FDINFO_NOTE = HAS_FDINFO ? '' : ' (skipped: no /proc/self/fdinfo on this system)';
const FDLIST_NOTE = FD_DIR ? '' : ' (skipped: neither /proc/self/fd nor /dev/fd on this system)';
// AF_UNIX SOCK_SEQPACKET exists on Linux only.
const TYPES: SocketType[] = process.platform === 'linux' ? ['stream', 'dgram', 'seqpacket'] : ['stream', 'dgram'];
const SEQPACKET_NOTE = process.platform === 'linux' ? '' : ' (seqpacket skipped: Linux only, macOS has no AF_UNIX SOCK_SEQPACKET)';

const temp = makeTempDir();
afterAll(() => temp.remove());
let listeners = 0;

/** The open flags of a descriptor of this process, from the octal `flags:` line of its fdinfo. */
function fdinfoFlags(fd: number): number {
  const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('flags:'));
  if (line === undefined) throw new Error(`/proc/self/fdinfo/${fd} has no flags: line`);
  return parseInt(line.split(/\s+/)[1]!, 8);
}

/** Device and inode: what a descriptor refers to, the same in every process that holds it. */
function identity(fd: number): string {
  const st = fstatSync(fd, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

/** A node one-liner that prints every descriptor it holds (number → dev:inode) as JSON. */
const LIST_FDS = `
const fs = require('fs');
const out = {};
for (const name of fs.readdirSync(${JSON.stringify(FD_DIR ?? '/dev/fd')})) {
  const fd = Number(name);
  try { const st = fs.fstatSync(fd, { bigint: true }); out[fd] = st.dev + ':' + st.ino; } catch {}
}
process.stdout.write(JSON.stringify(out));
`;

/** The descriptors of a child started now (fork + exec), with `inherit` passed as its fds 3, 4, … */
function childDescriptors(inherit: number[] = []): Record<string, string> {
  const result = spawnSync(process.execPath, ['-e', LIST_FDS], { stdio: ['ignore', 'pipe', 'inherit', ...inherit], encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`the fd-listing child failed: status ${result.status}, signal ${result.signal}, error ${String(result.error)}`);
  return JSON.parse(result.stdout) as Record<string, string>;
}

interface Made {
  what: string;
  socket: UnixSocket;
}

/** One of each kind of descriptor the socket layer makes, all open at once; `close()` ends them. */
async function makeAll(): Promise<{ made: Made[]; close(): void }> {
  const all: UnixSocket[] = [];
  const made: Made[] = [];
  const keep = (what: string, socket: UnixSocket): void => {
    all.push(socket);
    made.push({ what, socket });
  };
  try {
    for (const type of TYPES) {
      keep(`create('${type}')`, UnixSocket.create(type));
      const [a, b] = UnixSocket.pair(type);
      keep(`pair('${type}')[0]`, a);
      keep(`pair('${type}')[1]`, b);
    }
    const address = path.join(temp.dir, `accept-${++listeners}.sock`);
    const listener = UnixSocket.create('stream');
    all.push(listener);
    listener.bind(address);
    listener.listen();
    const client = UnixSocket.create('stream');
    all.push(client);
    const [accepted] = await Promise.all([listener.accept(), client.connect(address)]);
    keep('accept()', accepted);
  } catch (err) {
    for (const s of all) s.close();
    throw err;
  }
  return { made, close: () => all.forEach((s) => s.close()) };
}

describe(`descriptors of create(), pair() and accept()${SEQPACKET_NOTE}`, () => {
  itFdinfo(`are O_NONBLOCK and O_CLOEXEC in /proc/self/fdinfo${FDINFO_NOTE}`, async () => {
    const { made, close } = await makeAll();
    try {
      expect(made.map((m) => m.what)).toEqual([...TYPES.flatMap((t) => [`create('${t}')`, `pair('${t}')[0]`, `pair('${t}')[1]`]), 'accept()']);
      const seen = made.map(({ what, socket }) => {
        // the fd getter names this very socket (not some other open descriptor)
        expect(readlinkSync(`/proc/self/fd/${socket.fd}`)).toBe(`socket:[${fstatSync(socket.fd, { bigint: true }).ino}]`);
        const flags = fdinfoFlags(socket.fd);
        return { what, nonblock: (flags & O_NONBLOCK) === O_NONBLOCK, cloexec: (flags & O_CLOEXEC) === O_CLOEXEC };
      });
      expect(seen).toEqual(made.map(({ what }) => ({ what, nonblock: true, cloexec: true })));
      // control: the same reading tells a blocking descriptor apart (a file Node opened, close-on-exec)
      const plain = openSync(__filename, 'r');
      try {
        expect(fdinfoFlags(plain) & (O_NONBLOCK | O_CLOEXEC)).toBe(O_CLOEXEC);
      } finally {
        closeSync(plain);
      }
    } finally {
      close();
    }
  });

  itFdList(`are not inherited by a child across exec${FDLIST_NOTE}`, async () => {
    const { made, close } = await makeAll();
    try {
      const ours = new Map(made.map(({ what, socket }) => [identity(socket.fd), `${what} (fd ${socket.fd})`]));
      // Control: a descriptor handed over on purpose is seen by the same check (as the child's fd 3).
      const control = made[0]!.socket;
      const withControl = childDescriptors([control.fd]);
      expect(withControl['3']).toBe(identity(control.fd));

      const child = childDescriptors();
      // No descriptor number of ours refers to our socket in the child, and no other number does either.
      const inherited = Object.entries(child)
        .filter(([, id]) => ours.has(id))
        .map(([fd, id]) => `child fd ${fd} is ${ours.get(id)}`);
      expect(inherited).toEqual([]);
      for (const { socket } of made) expect(child[String(socket.fd)]).not.toBe(identity(socket.fd));
    } finally {
      close();
    }
  });
});

/** The descriptor number a child inherits and adopts (see adoptInChild). */
const INHERITED_FD = 20;

interface AdoptReport {
  fd: number;
  identity: string;
  /** the fdinfo flags as inherited and after fromFd() (null without /proc/self/fdinfo) */
  before: number | null;
  after: number | null;
  /** the descriptors of a grandchild started before fromFd(), and of one started after */
  grandchildBefore: Record<string, string>;
  grandchildAfter: Record<string, string>;
  /** what arrived through the adopted socket */
  received: string;
}

/**
 * fromFd() needs a descriptor nobody has prepared. A Node process cannot make one, and Node marks
 * its lowest descriptors (0 to 16, as observed with strace on Node 20) close-on-exec at startup,
 * stdio included. So a child is started with a `'pipe'` at stdio index 20: libuv makes it a
 * socketpair end, blocking and not close-on-exec, which the child inherits as fd 20 as it is. The
 * child lists what a grandchild inherits, adopts fd 20 with fromFd(), reports the flags before
 * and after, lists a grandchild's descriptors again, and reads through the adopted socket what
 * this process writes into the other end.
 */
async function adoptInChild(): Promise<AdoptReport> {
  const socketModule = childScript('src/socket/index.ts');
  const script = `
const fs = require('fs');
const { spawnSync } = require('child_process');
const { UnixSocket } = require(${JSON.stringify(socketModule)});
const FD = ${INHERITED_FD};
const flags = (fd) => {
  if (!fs.existsSync('/proc/self/fdinfo')) return null;
  const line = fs.readFileSync('/proc/self/fdinfo/' + fd, 'utf8').split('\\n').find((l) => l.startsWith('flags:'));
  return parseInt(line.split(/\\s+/)[1], 8);
};
const grandchild = () => {
  const r = spawnSync(process.execPath, ['-e', ${JSON.stringify(LIST_FDS)}], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0) throw new Error('the fd-listing grandchild failed: ' + r.status + ' ' + r.signal + ' ' + r.error);
  return JSON.parse(r.stdout);
};
const st = fs.fstatSync(FD, { bigint: true });
const identity = st.dev + ':' + st.ino;
const before = flags(FD);
const grandchildBefore = grandchild();
const sock = UnixSocket.fromFd(FD, 'stream');
const after = flags(sock.fd);
const grandchildAfter = grandchild();
sock.recv().then(({ data }) => {
  process.stdout.write(JSON.stringify({ fd: sock.fd, identity, before, after, grandchildBefore, grandchildAfter, received: data.toString() }));
  sock.close();
});
`;
  const stdio: Array<'ignore' | 'pipe'> = Array.from({ length: INHERITED_FD + 1 }, () => 'ignore');
  stdio[1] = stdio[2] = stdio[INHERITED_FD] = 'pipe';
  const child = spawn(process.execPath, ['-e', script], { stdio });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const otherEnd = (child.stdio as unknown as Array<Writable | null>)[INHERITED_FD];
  if (!otherEnd) {
    child.kill('SIGKILL');
    throw new Error(`the child has no stdio stream at index ${INHERITED_FD}`);
  }
  otherEnd.end('through the adopted socket');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    if (code !== 0) throw new Error(`the adopting child ended with ${code ?? signal}: ${stderr}`);
  } finally {
    clearTimeout(timer);
  }
  return JSON.parse(stdout) as AdoptReport;
}

describe(`a descriptor adopted with fromFd() (a child's inherited fd ${INHERITED_FD})`, () => {
  let adoption: Promise<AdoptReport> | undefined;
  const adopted = (): Promise<AdoptReport> => (adoption ??= adoptInChild());

  itFdinfo(`becomes O_NONBLOCK and O_CLOEXEC (as inherited it was neither)${FDINFO_NOTE}`, async () => {
    const report = await adopted();
    expect(report.fd).toBe(INHERITED_FD);
    const flags = (value: number | null) => ({ nonblock: ((value ?? 0) & O_NONBLOCK) === O_NONBLOCK, cloexec: ((value ?? 0) & O_CLOEXEC) === O_CLOEXEC });
    // the premise: the inherited descriptor was blocking and would have survived exec
    expect(flags(report.before)).toEqual({ nonblock: false, cloexec: false });
    expect(flags(report.after)).toEqual({ nonblock: true, cloexec: true });
    // and the adopted socket works
    expect(report.received).toBe('through the adopted socket');
  });

  itFdList(`is not inherited by a grandchild across exec (before fromFd() it was)${FDLIST_NOTE}`, async () => {
    const report = await adopted();
    // the premise, and the control of the check: before fromFd(), a grandchild inherits it
    expect(report.grandchildBefore[String(INHERITED_FD)]).toBe(report.identity);
    expect(report.grandchildAfter[String(INHERITED_FD)]).not.toBe(report.identity);
    expect(Object.entries(report.grandchildAfter).filter(([, id]) => id === report.identity)).toEqual([]);
    expect(report.received).toBe('through the adopted socket');
  });
});
