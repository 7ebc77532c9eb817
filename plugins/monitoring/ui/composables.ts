/** The auto-refresh switch the monitoring panels share, and its timer (the kit's `usePolling`). */
import { usePolling } from '@tomo/ui-shell/kit';
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
 * The auto-refresh switch (on unless the user turned it off; remembered in `localStorage`) and the
 * kit's polling loop calling `tick` every `ms` while it is on (one call at a time, skipped while
 * the browser tab is hidden, stopped when the component goes away).
 */
export function useAutoRefresh(tick: () => Promise<unknown>, ms: number = AUTO_REFRESH_MS): { enabled: Ref<boolean> } {
  // The first panel on the page reads the stored choice; later ones share it.
  if (users === 0) enabled.value = readStored();
  users++;
  usePolling(tick, ms, { enabled });
  if (getCurrentScope()) onScopeDispose(() => users--);
  return { enabled };
}
