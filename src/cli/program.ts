// The uds-fixture command, as a function of its arguments (src/bin/uds-fixture.ts is the executable).
// Exit status: 0 all passed, 1 a scenario failed, 2 bad input or usage, 130/143 interrupted by
// SIGINT/SIGTERM (after teardown completed).

import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { parseCommandLine } from './args';
import { listCommand } from './commands/list';
import { mergeReportsCommand } from './commands/merge-reports';
import { runCommand } from './commands/run';
import { schemaCommand } from './commands/schema';
import { validateCommand } from './commands/validate';
import { proxyCommand } from './commands/proxy';
import { timelineCommand } from './commands/timeline';
import { packageVersion } from '../package/package-root';
import { HELP } from './help';
import { guardStdout } from './stdout';
import { EXIT, UsageError } from './usage-error';

function defaultOperands(): string[] {
  return existsSync('fixtures') ? ['fixtures'] : ['.'];
}

async function main(argv: string[]): Promise<number> {
  const command = parseCommandLine(argv, defaultOperands);
  switch (command.name) {
    case 'help':
      (command.asked ? process.stdout : process.stderr).write((HELP[command.topic] ?? HELP.main) + '\n');
      return command.asked ? EXIT.passed : EXIT.badInput;
    case 'version':
      process.stdout.write(`uds-fixture ${packageVersion()}\n`);
      return EXIT.passed;
    case 'schema':
      return schemaCommand();
    case 'validate':
      return validateCommand(command.operands);
    case 'merge-reports':
      return mergeReportsCommand({ operands: command.operands, ...(command.outDir !== undefined ? { outDir: command.outDir } : {}) });
    case 'list':
      return listCommand(command.operands, command.selection);
    case 'proxy':
      return proxyCommand(command.options);
    case 'timeline':
      return timelineCommand(command.options);
    case 'run': {
      const controller = new AbortController();
      // One signal for every scenario in flight, each of which listens to it a few times (its
      // timeouts, readiness): no leak, so no limit (Node warns past 10, i.e. from --jobs 4 up).
      setMaxListeners(0, controller.signal);
      let exitSignal: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        if (exitSignal) return; // a second signal while tearing down: teardown is already bounded
        exitSignal = sig;
        process.stderr.write(`\nuds-fixture: ${sig} received, stopping peers and cleaning up…\n`);
        controller.abort(new Error(`interrupted by ${sig}`));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const code = await runCommand(command.options, controller.signal);
      if (exitSignal) return exitSignal === 'SIGTERM' ? 143 : EXIT.interrupted;
      return code;
    }
  }
}

/** Runs the command; resolves to its exit status. Usage and input errors are printed here. */
export async function runCli(argv: string[]): Promise<number> {
  guardStdout();
  try {
    return await main(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`uds-fixture: ${err.message}\n`);
      if (err.command) process.stderr.write(`Run 'uds-fixture ${err.command} --help' for usage.\n`);
      return EXIT.badInput;
    }
    // The code once: a message that names it already (`bind EADDRINUSE /tmp/p: …`) is not prefixed with it.
    const e = err as Error & { code?: string };
    process.stderr.write(`uds-fixture: ${e.code && !e.message.includes(e.code) ? `${e.code}: ` : ''}${e.message}\n`);
    return EXIT.badInput;
  }
}
