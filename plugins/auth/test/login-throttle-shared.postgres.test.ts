/**
 * Several instances on one PostgreSQL database share the login throttle (issue 24): failed
 * logins counted by one instance refuse the next attempt on another, so an attacker cannot
 * multiply the budget by the number of instances behind the load balancer. The counts live in
 * auth_login_throttle, made by the auth migrations. PostgreSQL pass only (fails without
 * TOMO_TEST_DATABASE_URL: on SQLite one instance counts in memory).
 */
import { runSql } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { authPlugin } from '../src/plugin';
import { USER, startAuthKernel } from './support/auth-kernel';
import { useTestbedPostgres } from '../../../test-support/testbed-postgres';

useTestbedPostgres();

const config = { auth: { throttle: { perUsername: { attempts: 3, windowSeconds: 60 }, perClient: { attempts: 100, windowSeconds: 60 } } } };

const right = { username: USER.username, password: USER.password };

let first: TestKernel;
let second: TestKernel | undefined;

beforeAll(() => {
  useTestbedPostgres();
});

beforeEach(async () => {
  first = await startAuthKernel(config);
  // The same data folder: the same database (and signing key), as a second instance would have.
  second = await startTestKernel({ plugins: [authPlugin], config, dataDir: first.dataDir });
});

afterEach(async () => {
  await second?.stop({ keepData: true }).catch(() => undefined);
  second = undefined;
  await first.stop();
});

const login = (t: TestKernel, body: { username: string; password: string }) => t.request('POST', '/api/auth/login', { body });

test("failed logins on one instance use up the username's budget on the other; a success on either resets it", async () => {
  const wrong = { username: USER.username, password: 'wrong-password-x' };
  expect((await login(first, wrong)).status).toBe(401);
  expect((await login(second!, wrong)).status).toBe(401);
  expect((await login(second!, right)).status).toBe(200); // resets, for both
  for (const t of [first, second!, first]) expect((await login(t, wrong)).status).toBe(401);
  const blocked = await login(second!, right);
  expect(blocked.status).toBe(429);
  expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((await login(first, right)).status).toBe(429);
  // Stored in the table the migration made, keyed by budget; the lower-cased username, never a password.
  const rows = await runSql<{ key: string; points: number }>(first.kernel.dataSource, 'SELECT "key", "points" FROM auth_login_throttle ORDER BY "key"');
  expect(rows).toEqual(expect.arrayContaining([{ key: `user:${USER.username}`, points: 3 }]));
  expect(JSON.stringify(rows)).not.toContain('wrong-password-x');
});
