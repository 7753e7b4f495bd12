import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { runScenario } from '../../src/pipeline/run-scenario';
import { makeScenario, runPeer } from '../plan/make-scenario';
import { fixture } from './run-hand-made';

let base: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-api-');
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('runScenario', () => {
  it('rejects an aborted run only after its directory is removed', async () => {
    // (executePlan's own test covers aborting peers that already run)
    const controller = new AbortController();
    const scenario = makeScenario({ server: runPeer([process.execPath, fixture('silent.cjs')]) });
    const run = runScenario(scenario, { tmpBase: base, signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(run).rejects.toMatchObject({ code: 'ERR_RUN_ABORTED', cause: new Error('enough') });
    expect(readdirSync(base)).toEqual([]);
  });

  it('runs an inline scenario object and returns the judged result', async () => {
    const result = await runScenario(
      { name: 'inline', server: { run: [process.execPath, '-e', 'process.exit(0)'], ready: 'none' } },
      { tmpBase: base },
    );
    expect(result).toMatchObject({ name: 'inline', passed: true, failures: [] });
    expect(readdirSync(base)).toEqual([]);
  });
});
