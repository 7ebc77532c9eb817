/** State the monitoring panels share: the auto-refresh switch and its timer. */
import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';

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

