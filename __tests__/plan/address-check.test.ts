// Step addresses checked against sun_path all at once, with advice that fits how each was written:
// the temp base makes a relative name long, while an absolute path or an abstract name is the user's own.
import path from 'node:path';
import { addressProblems } from '../../src/plan/address-check';
import { sunPathLimit } from '../../src/plan/sun-path';

const limit = sunPathLimit();
const tmpBase = '/tmp/udsf-address-check';

it('lists every overlong address, each with its own advice, and passes those that fit', () => {
  const absolute = `/work/${'d/'.repeat(60)}server.sock`;
  const errors = addressProblems(
    [
      { where: 'client.steps[0].bind.path', value: absolute },
      { where: 'client.steps[1].connect.to', value: `${'r'.repeat(limit)}.sock` },
      { where: 'client.steps[2].send.to', value: `@${'a'.repeat(limit + 1)}` },
      { where: 'client.steps[3].connect.to', value: 'short.sock' },
    ],
    { tmpBase },
  );
  expect(errors.map((e) => e.code)).toEqual(['ERR_SOCKET_PATH_TOO_LONG', 'ERR_SOCKET_PATH_TOO_LONG', 'ERR_SOCKET_PATH_TOO_LONG']);
  const [own, relative, abstract] = errors.map((e) => e.message);
  expect(own).toBe(
    `socket path in client.steps[0].bind.path ${absolute} is ${Buffer.byteLength(absolute)} bytes, longer than the ${limit} bytes sun_path holds on ${process.platform}; ` +
      "shorten this path, or write a relative name such as `server.sock`, which goes in the run's temp directory",
  );
  expect(relative).toContain(path.join(tmpBase, 'r-'));
  expect(relative).toContain('use a shorter temp base (option `tmpBase` or env UDS_FIXTURE_TMPDIR) or a shorter name');
  expect(abstract).toMatch(/^abstract name in client\.steps\[2\]\.send\.to a+ is \d+ bytes, .*; shorten the name$/);
});
