/**
 * The alerts plugin loads with every built-in plugin, as a real instance discovers it: started,
 * its tables carried by backups (rules and silences as configuration, alerts as history).
 */
import { startAlertsKernel, type AlertsKernel } from './support/alerts-kernel';

let t: AlertsKernel;
beforeAll(async () => {
  t = await startAlertsKernel();
});
afterAll(async () => t?.stop());

test('the alerts plugin starts after the plugins whose hooks it taps', async () => {
  const res = await t.request('GET', '/api/plugins', { token: t.tokens.admin });
  expect(res.status).toBe(200);
  const byId = new Map((res.body.plugins as Array<{ id: string; state: string }>).map((p) => [p.id, p.state]));
  expect(byId.get('alerts')).toBe('active');
  expect(byId.get('alerts-backup-tables')).toBe('active');
});
