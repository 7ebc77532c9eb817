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
  /** Makes a fresh set of hooks; the kernel calls it once per running kernel, on first use. */
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

const TAP_METHODS = new Set<string | symbol>(['tap', 'tapAsync', 'tapPromise']);

/**
 * The hooks a plugin's `init` sees: taps are held back until {@link commit}, so a plugin whose
 * `init` fails (and is disabled) leaves no tap behind — it must not, say, still authenticate
 * callers. After the commit, taps (from `ready`, `shutdown` or later) go straight through.
 */
export class StagedHookRegistry extends HookRegistry {
  private staging = true;
  private readonly pending: Array<() => void> = [];
  private readonly views = new Map<string, object>();

  constructor(private readonly target: HookRegistry) {
    super();
  }

  override of<T extends object>(ref: HookSetRef<T>): T {
    let view = this.views.get(ref.owner);
    if (!view) {
      const set = this.target.of(ref) as Record<string, unknown>;
      view = Object.freeze(Object.fromEntries(Object.entries(set).map(([name, hook]) => [name, this.wrap(hook)])));
      this.views.set(ref.owner, view);
    }
    return view as T;
  }

  /** Applies the held-back taps, in order, and stops holding taps back. */
  commit(): void {
    this.staging = false;
    for (const tap of this.pending.splice(0)) tap();
  }

  private wrap(hook: unknown): unknown {
    if (typeof hook !== 'object' || hook === null) return hook;
    return new Proxy(hook, {
      get: (target, prop) => {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (this.staging && TAP_METHODS.has(prop)) {
          return (...args: unknown[]) => {
            this.pending.push(() => value.apply(target, args));
          };
        }
        return value.bind(target);
      },
    });
  }
}
