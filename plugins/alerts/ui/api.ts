/**
 * The alerts plugin's HTTP API as its panels use it (`/api/alerts/...`, and `/api/servers` for
 * the server choices). Every call rejects with the kit's `ApiError`.
 */
import { api } from '@tomo/ui-shell/kit';
import type { AlertPage, ChannelType, ChannelView, DeliveryView, PreviewMatch, RuleDraft, RuleView, ServerChoice, SilenceDraft, SilenceView } from './types';

/** Filters of `GET /api/alerts`; empty ones are left out of the request. */
export interface AlertQuery {
  state?: 'firing' | 'resolved' | '';
  serverId?: string;
  ruleId?: string;
  page?: number;
  pageSize?: number;
}

/** The query string of `GET /api/alerts`, without empty parameters. */
export function alertQueryString(query: AlertQuery): string {
  const search = new URLSearchParams();
  for (const key of ['state', 'serverId', 'ruleId', 'page', 'pageSize'] as const) {
    const value = query[key];
    if (value === undefined || value === null || String(value) === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The answer to adding a channel. */
export interface CreatedChannel {
  channel: ChannelView;
  signingSecret?: string;
}

const id = (value: string) => encodeURIComponent(value);

export const alertsApi = {
  alerts: (query: AlertQuery): Promise<AlertPage> => api.get<AlertPage>(`/api/alerts${alertQueryString(query)}`),
  /** The caller's firing alerts, for the sidebar badge. */
  summary: (): Promise<{ firing: number }> => api.get<{ firing: number }>('/api/alerts/summary'),

  rules: async (): Promise<RuleView[]> => (await api.get<{ rules: RuleView[] }>('/api/alerts/rules')).rules,
  createRule: async (draft: RuleDraft): Promise<RuleView> => (await api.post<{ rule: RuleView }>('/api/alerts/rules', draft)).rule,
  updateRule: async (ruleId: string, draft: Partial<RuleDraft>): Promise<RuleView> => (await api.patch<{ rule: RuleView }>(`/api/alerts/rules/${id(ruleId)}`, draft)).rule,
  deleteRule: (ruleId: string): Promise<void> => api.del(`/api/alerts/rules/${id(ruleId)}`),
  /** What the draft would say on the current data (its duration ignored). */
  preview: async (draft: RuleDraft, signal?: AbortSignal): Promise<PreviewMatch[]> =>
    (await api.post<{ matches: PreviewMatch[] }>('/api/alerts/rules/preview', draft, { signal })).matches,

  silences: async (): Promise<SilenceView[]> => (await api.get<{ silences: SilenceView[] }>('/api/alerts/silences')).silences,
  createSilence: async (draft: SilenceDraft): Promise<SilenceView> => (await api.post<{ silence: SilenceView }>('/api/alerts/silences', draft)).silence,
  deleteSilence: (silenceId: string): Promise<void> => api.del(`/api/alerts/silences/${id(silenceId)}`),

  channels: async (): Promise<ChannelView[]> => (await api.get<{ channels: ChannelView[] }>('/api/alerts/channels')).channels,
  /** Adds a channel; `signingSecret` is the signing secret Tomo made for a webhook given none, answered this once. */
  createChannel: (input: { name: string; type: ChannelType; config: Record<string, unknown> }): Promise<CreatedChannel> =>
    api.post<CreatedChannel>('/api/alerts/channels', input),
  deleteChannel: (channelId: string): Promise<void> => api.del(`/api/alerts/channels/${id(channelId)}`),
  /** Queues a test notification; its attempts show in the deliveries. */
  testChannel: async (channelId: string): Promise<ChannelView> => (await api.post<{ channel: ChannelView }>(`/api/alerts/channels/${id(channelId)}/test`)).channel,
  deliveries: async (channelId: string): Promise<DeliveryView[]> =>
    (await api.get<{ deliveries: DeliveryView[] }>(`/api/alerts/channels/${id(channelId)}/deliveries`)).deliveries,

  /** The servers the caller may see. */
  servers: async (): Promise<ServerChoice[]> => (await api.get<{ servers: ServerChoice[] }>('/api/servers')).servers.map((s) => ({ id: s.id, name: s.name })),
};
