// Spends nearly all its time blocked in poll(2) inside a wait budget: each round makes a fresh
// socketpair whose recv nobody answers, lets the budget (10 ms, the most) run out, then closes it.
// Its timer and its SIGTERM handler must still run: the loop gets control back after every wait,
// and a signal ends a wait at once.
import { UnixSocket } from '../../../src/socket';
import { announce } from './io';

let rounds = 0;
process.once('SIGTERM', () => {
  announce({ stopped: true, afterRounds: rounds > 0 });
  process.exit(0);
});
setTimeout(() => announce({ timer: true }), 1);

async function main(): Promise<void> {
  for (;;) {
    const [a, b] = UnixSocket.pair('stream');
    a.waitBudget(10_000);
    const pending = a.recv().catch((error: NodeJS.ErrnoException) => error.code);
    await new Promise((resolve) => setImmediate(resolve));
    a.close();
    b.close();
    if ((await pending) !== 'ECANCELED') throw new Error('the unanswered recv did not end with ECANCELED at close');
    if (++rounds === 5) announce({ ready: true });
  }
}
void main();
