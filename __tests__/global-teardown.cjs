// Removes the directory global-setup.cjs made for what test files of this run share.
const { rmSync } = require('node:fs');

module.exports = async () => {
  const shared = process.env.UDS_FIXTURE_TEST_SHARED;
  if (shared) rmSync(shared, { recursive: true, force: true });
};
