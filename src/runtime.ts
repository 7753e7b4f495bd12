// Everything the faces run, in one place: dist/runtime.cjs is the one bundle that holds the
// implementation and its bundled dependencies, and the faces — the API (uds-fixture), the command
// (dist/cli.cjs), uds-fixture/jest, uds-fixture/vitest and uds-fixture/node-test — are thin files
// that load it. Faces import from here only, never from deeper modules, so that the build can
// point this one import at the shared bundle (scripts/build.mjs) instead of copying the runtime
// into each face.
export * from './index';
export { runCli } from './cli/program';
export { registerScenarioSuite, type ScenarioSuiteOptions, type SuiteFramework } from './testing/scenario-suite';
export { scenarioMatchers, type ScenarioMatchers } from './testing/matchers';
export { assertScenarioPasses } from './testing/assert';
