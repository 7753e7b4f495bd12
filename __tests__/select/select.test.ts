import { parseGrep, parseShard, selectScenarios, shardFromEnv } from '../../src/select/select';
import { mapPool } from '../../src/cli/pool';

const items = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, tags: i % 2 ? ['odd'] : ['even', 'smoke'] }));

test('shards are disjoint, stable and together cover the selection', () => {
  const parts = [1, 2, 3].map((index) => selectScenarios(items, { tags: [], shard: { index, total: 3 } }).map((s) => s.name));
  expect(parts.flat().sort()).toEqual(items.map((s) => s.name).sort());
  expect(new Set(parts.flat()).size).toBe(items.length);
  expect(parts[0]).toEqual(['s0', 's3', 's6', 's9']);
});

test('grep and tags filter before sharding', () => {
  expect(selectScenarios(items, { tags: ['odd'], grep: /s[1-5]/ }).map((s) => s.name)).toEqual(['s1', 's3', 's5']);
});

test('bad --shard and --grep are usage errors that say what to write', () => {
  expect(() => parseShard('0/3')).toThrow("--shard must be i/n with 1 <= i <= n, like 1/4; got '0/3'");
  expect(() => parseShard('4/3')).toThrow(/got '4\/3'/);
  expect(() => parseGrep('(')).toThrow(/--grep '\(' is not a valid regular expression/);
  expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
});

test('a bad UDS_FIXTURE_SHARD names the variable, not --shard', () => {
  expect(() => shardFromEnv({ UDS_FIXTURE_SHARD: '3/2' })).toThrow("UDS_FIXTURE_SHARD must be i/n with 1 <= i <= n, like 1/4; got '3/2'");
  expect(() => shardFromEnv({ UDS_FIXTURE_SHARD: '3/2' })).toThrow(expect.objectContaining({ code: 'ERR_SELECTION', source: 'UDS_FIXTURE_SHARD' }));
  expect(shardFromEnv({ UDS_FIXTURE_SHARD: '1/2' })).toEqual({ index: 1, total: 2 });
  expect(shardFromEnv({})).toBeUndefined();
});

test('mapPool never runs more than the limit at once and keeps order', async () => {
  let running = 0;
  let peak = 0;
  const out = await mapPool([5, 1, 4, 2, 3], { jobs: 2, budget: Infinity, weight: () => 1 }, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30]);
  expect(peak).toBe(2);
});
