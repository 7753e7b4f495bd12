// A second test file, so Jest runs scenarios in two workers at once and --shard has files to split.
const { scenarioSuite } = require('uds-fixture/jest');

scenarioSuite('*.scenario.yaml', { title: 'second file' });
