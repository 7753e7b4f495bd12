// The progress line of `uds-fixture run`: shown on a terminal, never in CI or when stderr is not a
// terminal. The stream and the environment are injected, so process.env is never touched.
import { createProgress } from '../../src/cli/progress';

interface FakeStream {
  isTTY?: boolean;
  columns?: number;
  writes: string[];
  write(chunk: string): boolean;
}

function fakeStream(props: { isTTY?: boolean; columns?: number }): FakeStream {
  return {
    ...props,
    writes: [],
    write(chunk: string) {
      this.writes.push(chunk);
      return true;
    },
  };
}

const asStream = (s: FakeStream) => s as unknown as NodeJS.WriteStream;

test('on a terminal, each update rewrites one line the width of the terminal, and clear blanks it', () => {
  const tty = fakeStream({ isTTY: true, columns: 80 });
  const progress = createProgress(asStream(tty), {});
  progress.update(1, 3, 0, 'stream echo');
  progress.update(2, 3, 1, 'wrong bytes');
  expect(tty.writes).toEqual([`\r${'[1/3] stream echo'.padEnd(79)}`, `\r${'[2/3] 1 failed wrong bytes'.padEnd(79)}`]);
  progress.clear();
  expect(tty.writes[2]).toBe(`\r${' '.repeat(79)}\r`);
  // cleared once: a second clear has nothing to blank
  progress.clear();
  expect(tty.writes).toHaveLength(3);
});

test('a line longer than the terminal is cut to its width, so it never wraps', () => {
  const tty = fakeStream({ isTTY: true, columns: 20 });
  createProgress(asStream(tty), {}).update(10, 12, 0, 'a scenario with a very long name');
  expect(tty.writes).toEqual(['\r[10/12] a scenario ']);
  expect(tty.writes[0]!.length - 1).toBe(19);
});

test('clear without any update writes nothing', () => {
  const tty = fakeStream({ isTTY: true, columns: 80 });
  createProgress(asStream(tty), {}).clear();
  expect(tty.writes).toEqual([]);
});

test('in CI (CI=true) nothing is written, even on a terminal', () => {
  const tty = fakeStream({ isTTY: true, columns: 80 });
  const progress = createProgress(asStream(tty), { CI: 'true' });
  progress.update(1, 2, 1, 'stream echo');
  progress.clear();
  expect(tty.writes).toEqual([]);
});

test('on a stream that is not a terminal nothing is written', () => {
  for (const isTTY of [false, undefined]) {
    const pipe = fakeStream({ isTTY, columns: 80 });
    const progress = createProgress(asStream(pipe), {});
    progress.update(1, 2, 0, 'stream echo');
    progress.clear();
    expect(pipe.writes).toEqual([]);
  }
});

test('CI=false or CI=0 say "not CI": the progress line stays on a terminal', () => {
  for (const CI of ['false', '0', '']) {
    const tty = fakeStream({ isTTY: true, columns: 80 });
    createProgress(asStream(tty), { CI }).update(1, 2, 0, 'stream echo');
    expect(tty.writes).toHaveLength(1);
  }
});
