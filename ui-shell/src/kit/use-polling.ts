/** Doing something again and again while a panel is open: refreshing a list, following a job. */
import { getCurrentScope, isRef, onScopeDispose, ref, watch, type Ref } from 'vue';

/** Options of {@link usePolling}. */
export interface PollingOptions {
  /**
   * `true` starts at once; a ref starts and stops with it (an auto-refresh switch); left out,
   * the caller calls `start()`.
   */
  enabled?: boolean | Ref<boolean>;
  /** Skip the call while the browser tab is hidden (and try again a period later). Default true. */
  pauseWhileHidden?: boolean;
}

/** The handle of a {@link usePolling} loop. */
export interface Polling {
  /** (Re)starts: the first call after one period, or at once with `immediately`. */
  start: (immediately?: boolean) => void;
  stop: () => void;
  /** True while started. */
  active: Ref<boolean>;
}

/**
 * Calls `tick` every `ms` while started. The next call is scheduled only after the previous one
 * finished, so a slow server never gets overlapping requests. `tick` returns false to stop; an
 * error it throws stops the loop and goes on to the shell's handler. Stops by itself when the
 * component (effect scope) goes away. `ms` may be a function, read at each scheduling.
 */
export function usePolling(tick: () => Promise<boolean | void | unknown>, ms: number | (() => number), options: PollingOptions = {}): Polling {
  const active = ref(false);
  const period = typeof ms === 'function' ? ms : () => ms;
  const pauseWhileHidden = options.pauseWhileHidden ?? true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every start/stop, so a tick that finishes after a stop schedules nothing. */
  let generation = 0;

  function schedule(mine: number, delay: number): void {
    timer = setTimeout(async () => {
      if (mine !== generation) return;
      let again: unknown = true;
      if (!pauseWhileHidden || typeof document === 'undefined' || !document.hidden) {
        try {
          again = await tick();
        } catch (err) {
          if (mine === generation) stop();
          throw err;
        }
      }
      if (mine !== generation) return;
      if (again === false) stop();
      else schedule(mine, period());
    }, delay);
  }

  function start(immediately = false): void {
    stop();
    active.value = true;
    schedule(++generation, immediately ? 0 : period());
  }

  function stop(): void {
    generation++;
    clearTimeout(timer);
    active.value = false;
  }

  const { enabled } = options;
  const unwatch = isRef(enabled) ? watch(enabled, (on) => (on ? start() : stop()), { immediate: true }) : undefined;
  if (enabled === true) start();
  if (getCurrentScope()) {
    onScopeDispose(() => {
      unwatch?.();
      stop();
    });
  }
  return { start, stop, active };
}
