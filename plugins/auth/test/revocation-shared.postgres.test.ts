/**
 * Several instances on one PostgreSQL database (issue 24): each caches credentials for 15 s, and
 * a sign-out or a disabled user through one instance must fail on the others at once, not when
 * their cache entries age out. PostgreSQL pass only: it fails without TOMO_TEST_DATABASE_URL.
 */
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { authPlugin } from '../src/plugin';
import { ADMIN, USER, startAuthKernel } from './support/auth-kernel';
import { useTestbedPostgres } from '../../../test-support/testbed-postgres';

useTestbedPostgres();

let first: Awaited<ReturnType<typeof startAuthKernel>>;
let second: TestKernel | undefined;

beforeAll(() => {
  useTestbedPostgres();
});

beforeEach(async () => {
  first = await startAuthKernel();
  // The same data folder: the same database and signing key, as a second instance has.
  second = await startTestKernel({ plugins: [authPlugin], dataDir: first.dataDir });
});

afterEach(async () => {
  await second?.stop({ keepData: true }).catch(() => undefined);
  second = undefined;
  await first.stop();
});

const me = (t: TestKernel, token: string) => t.request('GET', '/api/auth/me', { token }).then((r) => r.status);

/** Milliseconds until `t` refuses the token (fails after the cache's own 15 s would have passed). */
async function refusedWithin(t: TestKernel, token: string, limitMs: number): Promise<number> {
  const started = Date.now();
  while ((await me(t, token)) !== 401) {
    if (Date.now() - started > limitMs) throw new Error(`still accepted after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

test('a session signed out through one instance is refused by the other at once, though it had it cached', async () => {
  const token = await first.login(USER);
  expect(await me(second!, token)).toBe(200); // now in the second instance's cache
  expect((await first.request('POST', '/api/auth/logout', { token })).status).toBe(204);
  expect(await refusedWithin(second!, token, 1000)).toBeLessThan(1000);
});

test("a user disabled through one instance is refused by the other at once", async () => {
  const token = await first.login(USER);
  const admin = await first.login(ADMIN);
  expect(await me(second!, token)).toBe(200);
  const { body } = await first.request('GET', '/api/users', { token: admin });
  const bob = (body.users as Array<{ id: string; username: string }>).find((u) => u.username === USER.username)!;
  expect((await first.request('PATCH', `/api/users/${bob.id}`, { token: admin, body: { disabled: true } })).status).toBe(200);
  expect(await refusedWithin(second!, token, 1000)).toBeLessThan(1000);
});
