import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import type { DependencyContainer } from 'tsyringe';
import { ALERTS_MODULES, ALERTS_PLUGINS } from './alerts-kernel';
import { NOTIFICATION_SENDER, type NotificationSender } from '../../src/notification';

export const ADMIN = { username: 'admin', password: 'admin-password-1234' };
export const ALICE = { username: 'alice', password: 'alice-password-1234' };

export type ChannelsKernel = TestKernel & {
  tokens: { admin: string; alice: string };
  /** The plugin's NotificationSender, as alerts-core's evaluation resolves it. */
  sender(): NotificationSender;
};

/**
 * Every built-in plugin and alerts (as alerts-kernel.ts lists them), with an admin and a user
 * signed in. Deliveries retry fast (`retryDelaysMs`, default 300 ms then 600 ms) so a test sees
 * the whole backoff in about a second; the monitoring poller runs once an hour (no servers here).
 */
export async function startChannelsKernel(options: { retryDelaysMs?: number[]; dataDir?: string } = {}): Promise<ChannelsKernel> {
  const t = await startTestKernel({
    plugins: ALERTS_PLUGINS,
    modules: ALERTS_MODULES,
    dataDir: options.dataDir,
    config: {
      monitoring: { intervalSeconds: 3600 },
      alerts: { delivery: { retryDelaysMs: options.retryDelaysMs ?? [300, 600], attemptTimeoutMs: 3000, failingAfterAttempts: 2 } },
    },
  });
  const users = t.kernel.resolve(AuthTokens.UserService);
  const call = { transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger };
  await users.create({ ...ADMIN, email: 'a@example.com', role: 'admin' }, call).catch(() => undefined);
  await users.create({ ...ALICE, email: 'alice@example.com', role: 'user' }, call).catch(() => undefined);
  const login = async (who: { username: string; password: string }) => (await t.request('POST', '/api/auth/login', { body: who })).body.token as string;
  const containers = (t.kernel as unknown as { pluginContainers: Map<string, DependencyContainer> }).pluginContainers;
  return Object.assign(t, {
    tokens: { admin: await login(ADMIN), alice: await login(ALICE) },
    sender: () => containers.get('alerts')!.resolve<NotificationSender>(NOTIFICATION_SENDER),
  });
}

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
