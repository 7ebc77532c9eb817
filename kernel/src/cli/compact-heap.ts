import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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
 * its minimum and compacts the old one; it grows again only if a real workload needs it.
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
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    return true;
  } catch {
    return false;
  }
}
