import { getHeapCodeStatistics, getHeapSpaceStatistics } from 'node:v8';
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

  it('drops the bytecode of functions that are not running, even ones that ran just before, as start-up code did', () => {
    // ~2,000 small functions, each compiled to bytecode by its one call just now.
    const source = Array.from({ length: 2000 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i} }`).join('\n');
    const runAll = new Function(`${source}\nlet s = 0; for (let i = 0; i < 2000; i++) s += eval('f' + i)(i); return s;`) as () => number;
    const bytecode = () => getHeapCodeStatistics().bytecode_and_metadata_size;
    const beforeRun = bytecode();
    expect(runAll()).toBeGreaterThan(0);
    const added = bytecode() - beforeRun;
    expect(added).toBeGreaterThan(100_000);
    const before = bytecode();
    expect(compactHeapAfterStartup()).toBe(true);
    expect(before - bytecode()).toBeGreaterThan(added);
  });
});
