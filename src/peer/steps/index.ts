import { accept } from './accept';
import { bind } from './bind';
import { close } from './close';
import { connect } from './connect';
import { crash, exit } from './exit';
import { listen } from './listen';
import { ready } from './ready';
import { recv } from './recv';
import { recvFds } from './recv-fds';
import { send } from './send';
import { sendFds } from './send-fds';
import { shutdown } from './shutdown';
import { sleep } from './sleep';
import type { StepRegistry } from './types';
import { waitFor } from './wait-for';

export const STEPS: StepRegistry = { listen, accept, connect, bind, send, recv, sendFds, recvFds, shutdown, close, sleep, waitFor, exit, crash, ready };

export type { StepDetails, StepImpl } from './types';
