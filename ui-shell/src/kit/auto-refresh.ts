/**
 * The console's one auto-refresh switch: panels that refresh themselves (the monitoring cards and
 * Metrics tab, the activity card and page) share it, so turning it off in one card turns it off in
 * all, across plugins' bundles (they share this module through the import map).
 */
import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';
import { usePolling } from './use-polling';

/**
 * Where the choice is remembered. The name is from when only the monitoring panels refreshed
 * themselves; kept so a choice stored then still holds.
 */
export const AUTO_REFRESH_KEY = 'tomo.monitoring.autoRefresh';
/** How often panels refresh themselves while auto-refresh is on. */
export const AUTO_REFRESH_MS = 10000;

function readStored(): boolean {
  try {
    return window.localStorage.getItem(AUTO_REFRESH_KEY) !== 'off';
  } catch {
    return true;
  }
}

/** One switch for every open panel. */
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
 * {@link usePolling} loop calling `tick` every `ms` while it is on (one call at a time, skipped
 * while the browser tab is hidden, stopped when the component goes away). Bind the returned
 * `enabled` to a `TAutoRefreshToggle`.
 */
export function useAutoRefresh(tick: () => Promise<unknown>, ms: number = AUTO_REFRESH_MS): { enabled: Ref<boolean> } {
  // The first panel on the page reads the stored choice; later ones share it.
  if (users === 0) enabled.value = readStored();
  users++;
  usePolling(tick, ms, { enabled });
  if (getCurrentScope()) onScopeDispose(() => users--);
  return { enabled };
}
