/**
 * Shared by the alerts panels' tests (never bundled: index.ts does not import it): rules, alerts,
 * silences, channels and deliveries as the API answers them, and a signed-in session.
 */
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { makeUser } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { AlertView, ChannelView, DeliveryView, RuleView, SilenceView } from './types';

export { ADMIN, HOSTILE, sequence, signIn } from '../../../ui-shell/src/test-utils/panel-session';
export const ALICE = makeUser({ id: 'u-alice', username: 'alice', role: 'user' });

export const SERVER_A = '0b7f5f5e-1111-4c4c-9a9a-00000000000a';
export const SERVER_B = '0b7f5f5e-1111-4c4c-9a9a-00000000000b';
export const SERVERS = [
  { id: SERVER_A, name: 'nas' },
  { id: SERVER_B, name: 'pi' },
];

const AT = '2026-12-07T10:00:00.000Z';

export function makeRule(n: number, overrides: Partial<RuleView> = {}): RuleView {
  return {
    id: `r-${n}`,
    name: `Rule ${n}`,
    enabled: true,
    ownerId: 'u-admin',
    builtIn: false,
    kind: 'metric',
    metric: 'disk_root',
    operator: '>',
    threshold: 90,
    forMinutes: 10,
    clearThreshold: null,
    event: null,
    serverId: null,
    severity: 'warning',
    channelIds: [],
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

export function makeAlert(n: number, overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: `a-${n}`,
    ruleId: 'r-1',
    ruleName: 'Rule 1',
    severity: 'critical',
    serverId: SERVER_A,
    serverName: 'nas',
    state: 'firing',
    subject: `Disk / at 9${n} % on nas`,
    summary: 'Over 90 % for 10 min.',
    value: 90 + n,
    threshold: 90,
    startedAt: new Date(Date.now() - 75 * 60000).toISOString(),
    resolvedAt: null,
    silenced: false,
    ...overrides,
  };
}

export function makeSilence(n: number, overrides: Partial<SilenceView> = {}): SilenceView {
  return {
    id: `s-${n}`,
    ruleId: 'r-1',
    serverId: SERVER_A,
    startsAt: AT,
    endsAt: '2026-12-07T14:00:00.000Z',
    reason: null,
    createdBy: 'u-admin',
    active: true,
    ...overrides,
  };
}

export function makeChannel(n: number, overrides: Partial<ChannelView> = {}): ChannelView {
  return {
    id: `c-${n}`,
    name: `Channel ${n}`,
    type: 'webhook',
    settings: { endpoint: 'https://hooks.example.com/…' },
    secretFields: ['url', 'secret'],
    health: 'untested',
    lastDeliveryAt: null,
    lastError: null,
    createdAt: AT,
    ...overrides,
  };
}

export function makeDelivery(n: number, overrides: Partial<DeliveryView> = {}): DeliveryView {
  return {
    id: `d-${n}`,
    channelId: 'c-1',
    alertId: null,
    status: 'test',
    attempt: 1,
    outcome: 'sent',
    responseCode: 204,
    error: null,
    at: AT,
    durationMs: 12,
    ...overrides,
  };
}

/** A router with the alerts pages' paths (the tabs link to each), at `path`. */
export async function alertsRouter(path: string): Promise<Router> {
  const blank = defineComponent({ render: () => null });
  const router = createRouter({ history: createMemoryHistory(), routes: ['/', '/alerts', '/alerts/rules', '/alerts/channels'].map((p) => ({ path: p, component: blank })) });
  await router.push(path);
  await router.isReady();
  return router;
}
