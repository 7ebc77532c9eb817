/**
 * Shared by the activity panels' tests (never bundled: index.ts does not import it): log pages,
 * a signed-in session, ids.
 */
import type { User } from '@tomo/ui-shell/kit';
import { makeUser } from '../../../ui-shell/src/test-utils/fake-fetch';
import { describeActivity } from '../src/describe';
import type { ActivityEntry, ActivityPage } from './api';

export { ADMIN, HOSTILE, sequence, signIn } from '../../../ui-shell/src/test-utils/panel-session';
export const ALICE: User = makeUser({ id: 'u-alice', username: 'alice', role: 'user' });

export const SERVER_A = '0b7f5f5e-1111-4c4c-9a9a-00000000000a';
export const SERVER_B = '0b7f5f5e-1111-4c4c-9a9a-00000000000b';
export const USER_ALICE = '5d2c1a10-2222-4c4c-9a9a-0000000000a1';

/** An entry as the API answers it: `summary` worded by the backend's describer from the other fields. */
export function makeEntry(n: number, overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  const entry: Omit<ActivityEntry, 'summary'> = {
    id: `e-${n}`,
    at: new Date(Date.parse('2026-11-29T10:00:00.000Z') - n * 60000).toISOString(),
    userId: USER_ALICE,
    username: 'alice',
    action: 'app.install',
    targetType: 'app',
    targetId: `inst-${n}`,
    targetName: `Uptime Kuma ${n}`,
    serverId: SERVER_A,
    result: 'ok',
    detail: null,
    door: 'console',
    clientIp: '192.168.1.10',
    ...overrides,
  };
  return { summary: describeActivity(entry), ...entry };
}

export function makePage(entries: ActivityEntry[], total = entries.length, page = 1, pageSize = 50): ActivityPage {
  return { entries, total, page, pageSize };
}
