/** The dashboard's figures for one card: loaded at once, refreshed quietly (the card keeps what it shows). */
import { isApiError } from '@tomo/ui-shell/kit';
import { ref, shallowRef } from 'vue';
import { monitoringApi, type FleetSummary } from './api';
import { useAutoRefresh } from './composables';

export function useSummary(refreshMs?: number) {
  const summary = shallowRef<FleetSummary | null>(null);
  const loading = ref(true);
  const error = ref('');
  let ticket = 0;

  async function load(): Promise<void> {
    const mine = ++ticket;
    try {
      const found = await monitoringApi.summary();
      if (mine !== ticket) return;
      summary.value = found;
      error.value = '';
    } catch (err) {
      if (!isApiError(err) || err.status === 401) throw err;
      if (mine === ticket) error.value = err.message;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  void load();
  const { enabled } = useAutoRefresh(load, refreshMs);
  return { summary, loading, error, load, autoRefresh: enabled };
}
