import fc from 'fast-check';
import type { LogLine } from './log-line';
import { newestLines } from './newest-lines';

const at = (second: number) => `2026-12-06T23:10:${String(second).padStart(2, '0')}.000000000Z`;
const line = (service: string, second: number, text: string): LogLine => ({ service, stream: 'stdout', time: at(second), text });

/** What the tail did before: every read's lines together, sorted stably by time, the last `count`. */
function reference(reads: LogLine[][], count: number): LogLine[] {
  return reads.flat().sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)).slice(-count);
}

test('reads are merged in time order; equal times keep the earlier read first, then each read\'s own order', () => {
  const web = [line('web', 1, 'w1'), line('web', 3, 'w3'), line('web', 3, 'w3b'), line('web', 5, 'w5')];
  const db = [line('db', 2, 'd2'), line('db', 3, 'd3'), line('db', 6, 'd6')];
  expect(newestLines([web, db], 100).map((l) => l.text)).toEqual(['w1', 'd2', 'w3', 'w3b', 'd3', 'w5', 'd6']);
  expect(newestLines([[...web], [...db]], 3).map((l) => l.text)).toEqual(['d3', 'w5', 'd6']);
});

test('one read: kept as it is when in order, sorted when not; only the newest `count`', () => {
  const inOrder = [line('web', 1, 'a'), line('web', 2, 'b'), line('web', 3, 'c')];
  expect(newestLines([inOrder], 5)).toBe(inOrder);
  expect(newestLines([inOrder], 2).map((l) => l.text)).toEqual(['b', 'c']);
  const stderrFirst = [line('web', 2, 'late'), line('web', 1, 'early'), line('web', 2, 'late2')];
  expect(newestLines([stderrFirst], 5).map((l) => l.text)).toEqual(['early', 'late', 'late2']);
});

test('no reads, empty reads and lines without a time', () => {
  expect(newestLines([], 10)).toEqual([]);
  expect(newestLines([[], []], 10)).toEqual([]);
  const untimed: LogLine = { service: 'web', stream: 'stdout', time: '', text: 'no time' };
  expect(newestLines([[line('web', 1, 'x')], [untimed]], 10).map((l) => l.text)).toEqual(['no time', 'x']);
});

test('the same lines in the same order as sorting everything, for any reads', () => {
  const read = fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.string({ maxLength: 3 })), { maxLength: 30 });
  fc.assert(
    fc.property(fc.array(read, { maxLength: 5 }), fc.integer({ min: 1, max: 40 }), (shapes, count) => {
      const make = () => shapes.map((lines, r) => lines.map(([second, text]) => line(`s${r}`, second, text)));
      const got = newestLines(make(), count);
      expect(got).toEqual(reference(make(), count));
    }),
  );
});
