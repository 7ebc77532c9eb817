import { getHeapSpaceStatistics } from 'node:v8';
import { compactHeapAfterStartup } from './compact-heap';

const newSpaceSize = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;

describe('compactHeapAfterStartup', () => {
  it('runs V8 last-resort collection, which shrinks a grown young generation', () => {
    // Grow the young generation as start-up does: many short-lived allocations, some kept a while.
    let keep: unknown[] = [];
    for (let i = 0; i < 400_000; i++) {
      keep.push({ i, text: `item ${i}` });
      if (keep.length > 50_000) keep = [];
    }
    const grown = newSpaceSize();
    expect(compactHeapAfterStartup()).toBe(true);
    expect(newSpaceSize()).toBeLessThan(grown);
    expect(keep.length).toBeGreaterThan(0);
  });
});
