/**
 * An admin signing a user out everywhere (DELETE /api/users/:id/sessions) is an activity entry:
 * who did it, through which door, to whom, and how many sessions ended. A refused attempt (403,
 * 404) writes none.
 */
import { randomUUID } from 'node:crypto';
import { startMonitoringKernel, type MonitoringKernel } from '../../monitoring/test/support/monitoring-kernel';

let t: MonitoringKernel;
beforeAll(async () => {
  t = await startMonitoringKernel();
});
afterAll(() => t?.stop());

const entries = async () => {
  const res = await t.request('GET', '/api/activity?action=user.sessions_revoked', { token: t.tokens.admin });
  expect(res.status).toBe(200);
  return res.body.entries as any[];
};

test('user.sessions_revoked names the admin, the door and the user; refused calls leave no entry', async () => {
  expect((await t.request('DELETE', `/api/users/${t.ids.alice}/sessions`, { token: t.tokens.bob })).status).toBe(403);
  expect((await t.request('DELETE', `/api/users/${randomUUID()}/sessions`, { token: t.tokens.admin })).status).toBe(404);
  expect(await entries()).toEqual([]);

  expect((await t.request('DELETE', `/api/users/${t.ids.alice}/sessions`, { token: t.tokens.admin })).status).toBe(204);
  expect((await t.request('GET', '/api/auth/me', { token: t.tokens.alice })).status).toBe(401);
  expect(await entries()).toEqual([
    expect.objectContaining({
      action: 'user.sessions_revoked',
      result: 'ok',
      door: 'api',
      username: 'admin',
      targetType: 'user',
      targetId: t.ids.alice,
      targetName: 'alice',
      detail: 'signed out everywhere: 1 session ended',
    }),
  ]);
  // Alice sees the entry about her own account; Bob does not.
  const mine = await t.request('GET', '/api/activity?action=user.sessions_revoked', { token: (await t.request('POST', '/api/auth/login', { body: { username: 'alice', password: 'alice-password-1234' } })).body.token });
  expect(mine.body.entries).toHaveLength(1);
  const bobs = await t.request('GET', '/api/activity?action=user.sessions_revoked', { token: t.tokens.bob });
  expect(bobs.body.entries).toEqual([]);
});
