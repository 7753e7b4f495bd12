// Entry point of the scripted peer (bundled to dist/peer.cjs): `node peer.cjs <launch.json>`,
// with the event channel on fd 3 and the relay of other peers' events on fd 5.
import { LaunchError, readLaunch } from './launch';
import { PEER_EXIT } from './exit-codes';
import { runPeerProgram } from './program';
import { peerWaitBudget } from './wait-budget';
import { nativeStepsAllowed } from './exchange';

function main(): void {
  let launch;
  try {
    launch = readLaunch(process.argv[2]);
    peerWaitBudget();
    nativeStepsAllowed();
  } catch (err) {
    if (!(err instanceof LaunchError)) throw err;
    process.stderr.write(`uds-fixture peer: ${err.message}\n`);
    process.exit(PEER_EXIT.badLaunch);
  }
  void runPeerProgram(launch);
}

main();
