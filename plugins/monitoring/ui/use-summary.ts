/** The dashboard's figures for one card: loaded at once, refreshed quietly (the card keeps what it shows). */
import { useAutoRefresh, useLoad } from '@tomo/ui-shell/kit';
import { monitoringApi } from './api';

export function useSummary(refreshMs?: number) {
  const { data: summary, loading, error, load } = useLoad(() => monitoringApi.summary(), { quiet: true });
  void load();
  const { enabled } = useAutoRefresh(load, refreshMs);
  return { summary, loading, error, load, autoRefresh: enabled };
}
