import { mergeLines, preparationApi } from './api';
import { line } from './test-fixtures';

describe('mergeLines', () => {
  it('appends newer lines', () => {
    const merged = mergeLines([line(1, 'a'), line(2, 'b')], [line(3, 'c'), line(4, 'd')]);
    expect(merged.map((l) => l.id)).toEqual([1, 2, 3, 4]);
  });

  it('keeps each line once and orders by id, whatever order they come in', () => {
    const merged = mergeLines([line(2, 'b'), line(5, 'e')], [line(5, 'e'), line(1, 'a'), line(3, 'c'), line(2, 'b')]);
    expect(merged.map((l) => l.id)).toEqual([1, 2, 3, 5]);
  });

  it('returns the same array when nothing is new', () => {
    const lines = [line(1, 'a'), line(2, 'b')];
    expect(mergeLines(lines, [])).toBe(lines);
    expect(mergeLines(lines, [line(1, 'a')])).toBe(lines);
  });
});

describe('preparationApi', () => {
  it('builds the stream URL with and without afterId, encoding the server id', () => {
    expect(preparationApi.eventsUrl('a/b')).toBe('/api/servers/a%2Fb/preparation/events');
    expect(preparationApi.eventsUrl('s', 0)).toBe('/api/servers/s/preparation/events?afterId=0');
  });
});
