// Files that are not regular files — a FIFO, /dev/zero — named as a scenario file, in `from:`, in
// `send: { file }` or as a module: refused at their position without being read (a FIFO would
// block open() in the kernel, /dev/zero would grow the loader until it dies). Each load runs in a
// child process under a kill timer, so a regression fails these tests instead of hanging the suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Problem } from '../../src/scenario';
import { checkScenarioText, loadScenario, ScenarioError } from '../../src/scenario';
import { childScript } from '../helpers/child-script';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-special-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function mkfifo(file: string): void {
  const r = spawnSync('mkfifo', [file]);
  if (r.status !== 0) throw new Error(`mkfifo ${file} failed: ${String(r.stderr)}`);
}

/** Loads `file` in a child; SIGKILL after 20 s, which fails the test instead of hanging it. */
function loadInChild(file: string, mode: 'async' | 'sync'): Problem[] {
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', childScript('__tests__/scenario/children/load-file.ts'), file, mode], {
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
  });
  if (r.status !== 0) throw new Error(`the loader did not finish (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { problems: Problem[] }).problems;
}

function scenarioFile(name: string, text: string): string {
  const file = path.join(work, name);
  writeFileSync(file, text);
  return file;
}

describe.each(['async', 'sync'] as const)('special files (%s loader)', (mode) => {
  it('a FIFO as the scenario file is refused, not opened', () => {
    const file = path.join(work, `fifo-${mode}.scenario.yaml`);
    mkfifo(file);
    expect(loadInChild(file, mode)).toEqual([
      expect.objectContaining({ file, message: 'the scenario file is a FIFO (named pipe), not a regular file; it was not read' }),
    ]);
  });

  it('`from:` naming a FIFO is refused at its position', () => {
    mkfifo(path.join(work, `data-${mode}.fifo`));
    const file = scenarioFile(`from-fifo-${mode}.yaml`, `name: f\nfiles:\n  d: { from: data-${mode}.fifo }\nclient: { steps: [exit] }\n`);
    expect(loadInChild(file, mode)).toEqual([
      expect.objectContaining({ line: 3, col: 14, path: 'files.d.from', message: expect.stringContaining('is a FIFO (named pipe), not a regular file') }),
    ]);
  });

  it('`from: /dev/zero` and `send: { file: /dev/zero }` are refused, not read', () => {
    const file = scenarioFile(
      `zero-${mode}.yaml`,
      'name: z\nfiles:\n  z: { from: /dev/zero }\nclient:\n  steps:\n    - send: { file: /dev/zero }\n',
    );
    expect(loadInChild(file, mode)).toEqual([
      expect.objectContaining({ line: 3, col: 14, path: 'files.z.from', message: '`/dev/zero` (/dev/zero) is a character device, not a regular file; it was not read' }),
      expect.objectContaining({ line: 6, col: 21, path: 'client.steps[0].send.file', message: expect.stringContaining('is a character device') }),
    ]);
  });
});

it('a module that is a FIFO is refused at `module:`', () => {
  mkfifo(path.join(work, 'peer.fifo.js'));
  const { problems } = checkScenarioText('name: m\nclient: { module: peer.fifo.js }\n', path.join(work, 'module.yaml'));
  expect(problems).toEqual([expect.objectContaining({ line: 2, col: 19, path: 'client.module', message: expect.stringContaining('is a FIFO (named pipe), not a regular file') })]);
});

it('a scenario file over 8 MiB names the limit (the error is not wrapped twice)', async () => {
  const file = scenarioFile('big.yaml', `name: big\n# ${'x'.repeat(8 * 1024 * 1024)}\n`);
  const error = (await loadScenario(file).catch((e: unknown) => e)) as ScenarioError;
  expect(error).toBeInstanceOf(ScenarioError);
  expect(error.problems).toEqual([expect.objectContaining({ message: `the file holds ${8 * 1024 * 1024 + 13} bytes; a scenario file may hold at most 8388608 (8 MiB)` })]);
});

it('a declared file (`files: { from: }`) over 16 MiB names the limit; one of exactly 16 MiB loads', () => {
  // sparse files: the size is real, the disk blocks are not
  const limit = 16 * 1024 * 1024;
  writeFileSync(path.join(work, 'big.bin'), '');
  truncateSync(path.join(work, 'big.bin'), limit + 1);
  writeFileSync(path.join(work, 'full.bin'), '');
  truncateSync(path.join(work, 'full.bin'), limit);
  const text = (from: string) => `name: f\nfiles:\n  data: { from: ${from} }\nclient: { run: ["true"] }\n`;
  const { problems } = checkScenarioText(text('big.bin'), path.join(work, 'declared.yaml'));
  expect(problems).toEqual([
    expect.objectContaining({ line: 3, path: 'files.data.from', message: `\`big.bin\` holds ${limit + 1} bytes; at most ${limit} (16 MiB) may be used here` }),
  ]);
  expect(checkScenarioText(text('full.bin'), path.join(work, 'declared.yaml')).problems).toEqual([]);
});
