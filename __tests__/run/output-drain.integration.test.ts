// What a program writes to stdout just before it exits is judged whole: teardown reads its stdout
// and stderr to their end before closing them. A 1 MiB write leaves up to a pipe's worth unread
// when the exit is seen; closing the pipe then lost the tail (and `expect.stdout` failed a
// correct program, seen under load with a 5-byte write).
import { runScenario } from '../../src';

const program = [
  'import os, socket, sys',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
  's.connect(os.environ["UDS_FIXTURE_SOCKET"])',
  's.close()',
  'sys.stdout.write("x" * (1 << 20) + "\\nTHE END\\n")',
  'sys.stderr.write("e" * (1 << 20) + "\\nLAST WORDS\\n")',
].join('\n');

it('the last bytes a run: program writes to stdout and stderr before it exits reach the verdict', async () => {
  const result = await runScenario({
    name: 'large output at exit',
    server: { steps: ['listen', 'accept', { recv: { eof: true } }, 'close'] },
    client: { run: ['python3', '-c', program] },
    expect: { stdout: { client: 'THE END' }, stderr: { client: 'LAST WORDS' } },
  } as never);
  expect(result.failures).toEqual([]);
}, 30_000);
