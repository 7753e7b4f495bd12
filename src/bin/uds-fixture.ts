// The uds-fixture executable (dist/cli.cjs, the package's bin): the command runs from the shared
// runtime bundle, and this only sets the exit status.
import { runCli } from '../runtime';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
