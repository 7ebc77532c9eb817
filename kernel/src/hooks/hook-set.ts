/**
 * Hook sets: each owner (the kernel, or a plugin in its `api.ts`) declares its tapable hooks
 * once, as a factory. The kernel creates one frozen instance per running kernel (tests run
 * many kernels in one process), and anyone holding the reference gets the same instance:
 *
 * ```ts
 * export const serversHooks = defineHookSet('servers', () => ({
 *   serverAdded: new AsyncSeriesHook<[ServerAddedEvent]>(['event']),
 * }));
 * ctx.hooks.of(serversHooks).serverAdded.tapPromise(ctx.pluginId, async (e) => { ... });
 * ```
 */
export interface HookSetRef<T extends object> {
  /** Owner id: the plugin id, or `kernel`. */
  readonly owner: string;
  readonly create: () => T;
}

/** Declares a hook set. Hook names should be past-tense events or before/after pairs. */
export function defineHookSet<T extends object>(owner: string, create: () => T): HookSetRef<T> {
  return Object.freeze({ owner, create });
}

/** Holds the live hook sets of one kernel, keyed by owner id (so two copies of a package agree). */
export class HookRegistry {
  private readonly sets = new Map<string, object>();

  /** The live hooks of a set, created on first use. */
  of<T extends object>(ref: HookSetRef<T>): T {
    let set = this.sets.get(ref.owner);
    if (!set) {
      set = Object.freeze(ref.create());
      this.sets.set(ref.owner, set);
    }
    return set as T;
  }
}
