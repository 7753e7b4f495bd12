// scenarioSuite() and the matchers inside this repository's own Jest: one real test per scenario
// file of fixtures/basics, titled with the scenario's name.
import path from 'node:path';
import { scenarioSuite } from '../../src/jest';

scenarioSuite('fixtures/basics/*.scenario.yaml', { cwd: path.resolve(__dirname, '..', '..'), title: 'fixtures/basics through scenarioSuite' });
