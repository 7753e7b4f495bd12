// The harness never changes the system under test: a descriptor a program passes with SCM_RIGHTS
// keeps the blocking mode its sender gave it. O_NONBLOCK lives on the open file description, which
// sender and receiver share, so a receiver that set it would hand the program a non-blocking pipe
// of its own. A python3 sender checks its own pipe's flags after the scripted server has received
// the pipe and read its content, and exits 3 if the flags changed.
import { describeBuilt, expectPass, useRunBase } from '../e2e/scripted-runs';

const sender = [
  'import array, fcntl, os, socket, sys',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
  's.connect(os.environ["UDS_FIXTURE_SOCKET"])',
  'r, w = os.pipe()',
  'before = fcntl.fcntl(r, fcntl.F_GETFL)',
  'os.write(w, b"through a pipe")',
  'os.close(w)',
  's.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r]))])',
  // the server answers once it has checked (read) the pipe: the flags are looked at after that
  'assert s.recv(2) == b"ok"',
  'after = fcntl.fcntl(r, fcntl.F_GETFL)',
  'print("flags before", oct(before), "after", oct(after), flush=True)',
  'sys.exit(0 if before == after else 3)',
].join('\n');

const runs = useRunBase('sender-flags', 20_000);

describeBuilt('a descriptor received from a real program', () => {
  it('keeps the blocking mode its python3 sender gave it, after the content check read it', async () => {
    const result = await runs.run({
      name: 'the sender keeps its blocking pipe',
      socket: 'stream',
      server: {
        steps: ['listen', 'accept', { recvFds: { count: 1, expect: [{ type: 'pipe', content: 'through a pipe' }] } }, { send: { text: 'ok' } }, 'close'],
      },
      client: { run: ['python3', '-c', sender] },
    });
    expectPass(result);
    expect(result.peers.find((p) => p.id === 'client')?.stdout).toMatch(/^flags before 0o\d+ after 0o\d+\n$/);
  });
});
