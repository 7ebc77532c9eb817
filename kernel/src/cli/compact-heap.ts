import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8 drops a function's bytecode once the function has not run for `--bytecode-old-age` full
 * collections (6 by default; restored after). An idle process has no collections, so the
 * bytecode of code only start-up ran (plugin registration, schema building, migrations' checks)
 * would stay for good. With the age at 0 for the compacting collection, everything not running
 * then loses its bytecode: measured on `tomo serve`, bytecode 2.5 -> 0.5 MB and idle RSS ~1.3 MB
 * lower, for ~40 ms more CPU, once. A function that runs again is compiled again from its source
 * (kept anyway), as V8 does after any idle spell: the first requests after start-up pay that.
 */
const FLUSH_ALL_BYTECODE = '--bytecode-old-age=0';
const V8_DEFAULT_BYTECODE_AGE = '--bytecode-old-age=6';

/** The options V8's `gc()` extension takes (`--expose-gc`). */
type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/**
 * Asks V8 once, after start-up, to give back the memory start-up used and no longer needs.
 *
 * Why: loading the kernel and plugins allocates fast and most of it survives (modules, schemas,
 * metadata), so V8 grows its young generation to its maximum (64 MiB of committed semi-spaces on
 * Node.js 24) and keeps it while idle: nothing collects an idle process. That is a third of Tomo's
 * resident memory at rest (issue 19: idle RSS ≤ 90 MB, bench/foundation.js). A "last resort"
 * collection, the one V8 itself runs under memory pressure, shrinks the young generation back to
 * its minimum and compacts the old one; it grows again only if a real workload needs it. It also
 * drops the bytecode only start-up used (see FLUSH_ALL_BYTECODE).
 *
 * The collection is V8's `gc()`, which Node.js exposes only with `--expose-gc`: the flag is set
 * at run time and the function taken from a fresh context (the running one was created without
 * it), so `tomo serve` needs no extra `node` flags and nothing else sees a global `gc`. Any
 * failure (a runtime without the extension) leaves memory as it was.
 *
 * @returns whether the collection ran
 */
export function compactHeapAfterStartup(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as GcFunction | undefined;
    if (typeof gc !== 'function') return false;
    setFlagsFromString(FLUSH_ALL_BYTECODE);
    try {
      gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    } finally {
      setFlagsFromString(V8_DEFAULT_BYTECODE_AGE);
    }
    return true;
  } catch {
    return false;
  }
}
