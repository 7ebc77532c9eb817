/** State the monitoring panels share: the auto-refresh switch and its timer, the newest answer of a load. */
import { isApiError } from '@tomo/ui-shell/kit';
import { getCurrentScope, onScopeDispose, ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue';

/** Where the auto-refresh choice is remembered (one choice for the dashboard, the metrics tab and the log). */
export const AUTO_REFRESH_KEY = 'tomo.monitoring.autoRefresh';
/** How often the panels refresh themselves while auto-refresh is on. */
export const AUTO_REFRESH_MS = 10000;

function readStored(): boolean {
  try {
    return window.localStorage.getItem(AUTO_REFRESH_KEY) !== 'off';
  } catch {
    return true;
  }
}

/** One switch for every open panel, so turning it off in one card turns it off in all. */
const enabled = ref(true);
let users = 0;
watch(enabled, (on) => {
  try {
    window.localStorage.setItem(AUTO_REFRESH_KEY, on ? 'on' : 'off');
  } catch {
    // Not remembered (private mode, quota); the switch still works on this page.
  }
});

/**
 * The auto-refresh switch (on unless the user turned it off; remembered in `localStorage`) and a
 * timer that calls `tick` every `ms` while it is on. The next call is scheduled only after the
 * previous one finished, so a slow server never gets overlapping requests; while the browser tab
 * is hidden the calls are skipped. Stops when the component goes away.
 */
export function useAutoRefresh(tick: () => Promise<unknown>, ms: number = AUTO_REFRESH_MS): { enabled: Ref<boolean> } {
  // The first panel on the page reads the stored choice; later ones share it.
  if (users === 0) enabled.value = readStored();
  users++;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  function schedule(mine: number): void {
    timer = setTimeout(async () => {
      if (mine !== generation) return;
      if (typeof document === 'undefined' || !document.hidden) {
        try {
          await tick();
        } catch (err) {
          // An error `tick` did not handle (the session ended…): stop, and let the shell report it.
          if (mine === generation) stop();
          throw err;
        }
      }
      if (mine === generation) schedule(mine);
    }, ms);
  }
  function stop(): void {
    generation++;
    clearTimeout(timer);
  }
  function start(): void {
    stop();
    schedule(generation);
  }

  const unwatch = watch(enabled, (on) => (on ? start() : stop()), { immediate: true });
  if (getCurrentScope()) {
    onScopeDispose(() => {
      unwatch();
      stop();
      users--;
    });
  }
  return { enabled };
}

/**
 * `fetch()`'s answer in `data`, keeping only the newest when loads overlap (a slow answer to an
 * old filter or period must not replace a newer one). An API error goes to `error` and the data
 * shown stays; a 401 or a bug goes on to the shell's handler. `quiet`: only the first load shows
 * `loading` (refreshes replace the figures in place).
 */
export function useNewestAnswer<T>(fetch: () => Promise<T>, options: { quiet?: boolean } = {}): { data: ShallowRef<T | null>; loading: Ref<boolean>; error: Ref<string>; load: () => Promise<void> } {
  const data = shallowRef<T | null>(null);
  const loading = ref(true);
  const error = ref('');
  let ticket = 0;
  async function load(): Promise<void> {
    const mine = ++ticket;
    if (!options.quiet) loading.value = true;
    try {
      const found = await fetch();
      if (mine !== ticket) return;
      data.value = found;
      error.value = '';
    } catch (err) {
      if (!isApiError(err) || err.status === 401) throw err;
      if (mine === ticket) error.value = err.message;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }
  return { data, loading, error, load };
}
