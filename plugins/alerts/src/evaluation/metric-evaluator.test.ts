import { newTrack, step, type MetricCondition, type Transition } from './metric-evaluator';

const MIN = 60_000;
const over90for10: MetricCondition = { operator: '>', threshold: 90, clear: 85.5, forMs: 10 * MIN };

/** Feeds one value a minute from t=0; returns each minute's transition. */
function run(condition: MetricCondition, values: Array<number | null>, track = newTrack()): Transition[] {
  return values.map((v, minute) => step(condition, track, v, minute * MIN));
}

test('a value past the threshold fires only once it has held for forMinutes, then never again while firing', () => {
  const out = run(over90for10, [95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 96, 99]);
  expect(out.indexOf('fire')).toBe(10);
  expect(out.filter((t) => t === 'fire')).toHaveLength(1);
});

test('forMinutes 0 fires at the first poll past the threshold', () => {
  expect(run({ ...over90for10, forMs: 0 }, [50, 91])).toEqual([null, 'fire']);
});

test('a value dipping under the threshold before forMinutes resets the wait', () => {
  const out = run(over90for10, [95, 95, 95, 95, 95, 89, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95]);
  // The run restarts at minute 6: ten minutes later, at 16, it fires (nothing before).
  expect(out.indexOf('fire')).toBe(-1);
  expect(step(over90for10, { breachSince: 6 * MIN, firing: false }, 95, 16 * MIN)).toBe('fire');
});

test('hysteresis: a firing alert resolves only when the value falls past the clear point, once', () => {
  const track = newTrack();
  const out = run({ ...over90for10, forMs: 0 }, [95, 89, 87, 86, 85.6, 85.4, 84, 95], track);
  expect(out).toEqual(['fire', null, null, null, null, 'resolve', null, 'fire']);
});

test('flapping at the threshold neither fires (before forMinutes) nor resolves and re-fires', () => {
  const flapping = Array.from({ length: 60 }, (_, i) => (i % 2 ? 91 : 89));
  expect(run(over90for10, flapping).filter(Boolean)).toEqual([]);
  // Once firing, hovering between the clear point and the threshold keeps it firing, quietly.
  const hovering = [95, ...Array.from({ length: 30 }, (_, i) => (i % 2 ? 91 : 88))];
  expect(run({ ...over90for10, forMs: 0 }, hovering).filter(Boolean)).toEqual(['fire']);
});

test("a '<' rule fires under the threshold and resolves over its clear point", () => {
  const lowDisk: MetricCondition = { operator: '<', threshold: 10, clear: 12, forMs: 0 };
  expect(run(lowDisk, [50, 9, 11, 12, 12.5])).toEqual([null, 'fire', null, null, 'resolve']);
});

test('a missing value (the poll could not measure it) changes nothing', () => {
  const track = newTrack();
  expect(run(over90for10, [95, null, null, 95, 95, 95, 95, 95, 95, 95, 95], track).indexOf('fire')).toBe(10);
  expect(step(over90for10, track, null, 11 * MIN)).toBeNull();
  expect(track.firing).toBe(true);
});

test('restored as firing (after a restart), the track does not fire again and resolves on a clear value', () => {
  const track = newTrack(true);
  expect(run(over90for10, [95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95], track).filter(Boolean)).toEqual([]);
  expect(step(over90for10, track, 70, 20 * MIN)).toBe('resolve');
});
