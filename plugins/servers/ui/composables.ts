/** State shared by the servers panels: connection tests in flight and a clock for "5 minutes ago". */
import { isApiError, usePolling } from '@tomo/ui-shell/kit';
import { onBeforeUnmount, reactive, ref, type Ref } from 'vue';
import { serversApi, type ConnectionTestResult } from './api';

/** One server's latest connection test in this page. */
export interface TestState {
  running: boolean;
  /** The answer of the last finished test. */
  result?: ConnectionTestResult;
  /** The request itself failed (not the connection): the API's message. */
  error?: string;
}

/**
 * Runs connection tests and remembers each server's latest result while the page is open.
 * `afterTest(id)` runs when a test finished either way (the server's status, facts and host
 * keys changed): the page reloads the server there.
 */
export function useConnectionTests(afterTest: (id: string) => Promise<void>) {
  const tests = reactive<Record<string, TestState>>({});

  async function run(id: string): Promise<void> {
    if (tests[id]?.running) return;
    tests[id] = { running: true };
    try {
      tests[id] = { running: false, result: await serversApi.test(id) };
    } catch (err) {
      if (!isApiError(err) || err.status === 401) {
        delete tests[id];
        throw err;
      }
      tests[id] = { running: false, error: err.message };
    }
    await afterTest(id);
  }

  function forget(id: string): void {
    delete tests[id];
  }

  return { tests, run, forget };
}

/** The current time, updated every `intervalMs` while the component lives (for relative times). */
export function useNow(intervalMs = 30000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), intervalMs);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}

/** How often the servers list refreshes itself, in ms (a test shortens it). */
export const listRefresh = { ms: 15000 };

/**
 * Calls `refresh` every {@link listRefresh} ms while the page is open and the browser tab is
 * visible, never two at once, so statuses the monitoring poller records show without a reload.
 * A failed background refresh keeps what is shown; the next one (or any action) tries again.
 */
export function useQuietRefresh(refresh: () => Promise<void>): void {
  usePolling(() => refresh().catch(() => undefined), () => listRefresh.ms, { enabled: true });
}
