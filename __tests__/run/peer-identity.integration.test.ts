// `expectPeer: { pid: <peer> }` where that peer is a `run:` program (python3 here): the harness
// started it in a process group of its own, so any process of that group is that peer — the
// program, or the child of a wrapper script that connects from another pid. Scripted peers keep
// matching their exact pid (__tests__/peer/conversation.integration.test.ts).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';

let base: string;
let dir: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-who-');
  dir = mkdtempSync('/tmp/udsf-who-files-');
  // The client prints its pid and its parent's, then connects and says hi; `newgroup` leaves the
  // process group first (what a daemonising program does), so it is no longer the peer's.
  writeFileSync(
    path.join(dir, 'client.py'),
    [
      'import os, socket, sys',
      'if len(sys.argv) > 2 and sys.argv[2] == "newgroup": os.setpgid(0, 0)',
      'print(os.getpid(), os.getppid(), flush=True)',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.connect(sys.argv[1])',
      's.sendall(b"hi")',
      's.recv(1)',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'server.py'),
    [
      'import os, socket, sys',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.bind(sys.argv[1]); s.listen(1)',
      'c, _ = s.accept()',
      'c.recv(1)',
      'os.unlink(sys.argv[1])',
      '',
    ].join('\n'),
  );
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

async function run(yaml: string) {
  const file = path.join(dir, 'who.scenario.yaml');
  writeFileSync(file, yaml);
  const result = await runScenario(file, { tmpBase: base });
  expect(readdirSync(base)).toEqual([]);
  return result;
}

const server = `
server:
  steps: [listen, { accept: { expectPeer: { pid: client }, timeout: 5s } }, { recv: { text: hi } }, close]`;

function pids(result: Awaited<ReturnType<typeof run>>) {
  const accepted = result.timeline.find((e) => e.peer === 'server' && e.ev === 'accept') as { credentials?: { pid: number } } | undefined;
  const spawn = result.timeline.find((e) => e.peer === 'harness' && e.ev === 'spawn' && e.target === 'client')!;
  const [pid, ppid] = result.peers.find((p) => p.id === 'client')!.stdout.trim().split(' ').map(Number);
  return { connected: accepted?.credentials?.pid, printed: pid, parent: ppid, group: spawn.pgid };
}

describe('expectPeer.pid names a run: program', () => {
  it('accept: the python3 client itself connects', async () => {
    const result = await run(`name: python client${server}
client:
  run: [python3, client.py, "\${socket}"]
`);
    expect(result.failures).toEqual([]);
    const who = pids(result);
    expect(who.connected).toBe(who.printed);
    expect(who.parent).toBe(who.group); // the program is the supervisor's child, the group leader
  });

  it('accept: a sh -c wrapper starts python3 as a child, which connects from another pid', async () => {
    // `; exit $?` keeps sh from exec'ing python3 in its place: python3 is sh's child.
    const result = await run(`name: wrapped python client${server}
client:
  run: [sh, -c, 'python3 client.py "$1"; exit $?', sh, "\${socket}"]
`);
    expect(result.failures).toEqual([]);
    const who = pids(result);
    expect(who.connected).toBe(who.printed);
    expect(who.parent).not.toBe(who.group); // python3's parent is sh, not the spawned program's supervisor
  });

  it('accept: a process that left the peer\'s group does not match, and the message says what was expected', async () => {
    const result = await run(`name: python client in another group${server}
client:
  run: [python3, client.py, "\${socket}", newgroup]
expect: { exit: { server: 1 } }
`);
    const fail = result.timeline.find((e) => e.peer === 'server' && e.ev === 'fail')!;
    const who = pids(result);
    expect(fail.code).toBe('PEER_CRED_MISMATCH');
    expect(fail.message).toBe(
      `accept: the peer at the other end has pid ${who.printed} in group ${who.printed}, expected a process of client's group ${who.group} (the run: program or its children); fix expectPeer or the program that connected`,
    );
  });

  it('connect: expectPeer { pid: server } where the server is a python3 program', async () => {
    const result = await run(`name: python server
server:
  run: [python3, server.py, "\${socket}"]
client:
  steps: [{ connect: { expectPeer: { pid: server } } }, { send: { text: x } }, close]
`);
    expect(result.failures).toEqual([]);
  });
});
