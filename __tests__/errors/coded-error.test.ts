// Every error uds-fixture throws on purpose shares one base: a stable `code`, its own name, the
// message, and the cause kept.
import { CodedError } from '../../src/errors/coded-error';
import { HarnessError } from '../../src/errors/harness-error';
import { PlanError } from '../../src/plan/errors';
import { ScenarioError } from '../../src/scenario/errors';
import { InvalidDurationError } from '../../src/scenario/units';
import { AddonMissingError, SocketError } from '../../src/socket/errors';
import { TrafficOptionError } from '../../src/traffic/errors';
import { NotReadyError } from '../../src/run/readiness';
import { SelectionError } from '../../src/select/select';
import { UsageError } from '../../src/cli/usage-error';
import { StepFailure, PeerError } from '../../src/peer/errors';

describe('coded errors', () => {
  const cause = new Error('underneath');
  it.each([
    ['PlanError', new PlanError('ERR_PATH_OUTSIDE', '../x', 'leaves the run directory', { cause }), 'ERR_PATH_OUTSIDE'],
    ['HarnessError', new HarnessError('ERR_RUN_ABORTED', 'demo', 'aborted', { cause }), 'ERR_RUN_ABORTED'],
    ['ScenarioError', new ScenarioError([], { cause }), 'ERR_SCENARIO_INVALID'],
    ['InvalidDurationError', new InvalidDurationError('5 parsecs', 'has no unit'), 'ERR_INVALID_DURATION'],
    ['SocketError', new SocketError({ code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }, undefined, { cause }), 'ECONNREFUSED'],
    ['AddonMissingError', new AddonMissingError('/nowhere/uds_fixture.node', { cause }), 'ERR_UDS_ADDON_MISSING'],
    ['TrafficOptionError', new TrafficOptionError('count', -1, 'a whole number'), 'ERR_UDS_TRAFFIC_OPTION'],
    ['NotReadyError', new NotReadyError('server', 'socket s.sock', 'not ready'), 'NOT_READY'],
    ['SelectionError', new SelectionError('--shard', 'bad'), 'ERR_SELECTION'],
    ['UsageError', new UsageError('bad'), 'ERR_USAGE'],
    ['StepFailure', new StepFailure('RECV_MISMATCH', 'differs'), 'RECV_MISMATCH'],
    ['PeerError', new PeerError('ENOTCONN', 'send', 'not connected'), 'ENOTCONN'],
  ])('%s is a CodedError with its code and name', (name, err, code) => {
    expect(err).toBeInstanceOf(CodedError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
    if (err.cause !== undefined) expect(err.cause).toBe(cause);
  });
});
