/**
 * Idle and absolute session timeouts over real HTTP on a real SQLite file. Time moves through the
 * kernel's Clock (see support/sessions.ts), never by sleeping.
 */
import { runSql } from '@tomo/kernel';
import { randomBytes } from 'node:crypto';
import { startTestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '../src/api';
import { authPlugin } from '../src/plugin';
import { CredentialCache } from '../src/services/credential-cache';
import { SessionService } from '../src/services/session-service';
import { ADMIN, USER, startAuthKernel } from './support/auth-kernel';
import { connectMcp, resultText } from './support/mcp-client';
import { MINUTE, loginWithCookie, meStatus, movableClock, sessionRecord } from './support/sessions';

test('a session used within the idle limit lives on; one idle past it answers 401 (bearer and console cookie) and its record is revoked', async () => {
  const t = await startAuthKernel({ auth: { sessionIdleTimeout: '30m' } });
  try {
    const clock = movableClock(t);
    const busy = await loginWithCookie(t, ADMIN);
    const idle = await loginWithCookie(t, USER);
    const idleByCookie = await loginWithCookie(t, USER);
    // 25 minutes apart, three times: 75 minutes in all, never 30 idle.
    for (let i = 0; i < 3; i++) {
      clock.advance(25 * MINUTE);
      expect(await meStatus(t, { token: busy.token })).toBe(200);
      expect(await meStatus(t, { cookie: busy.cookie })).toBe(200);
    }
    expect(await sessionRecord(t, busy.token)).toMatchObject({ revokedAt: null });
    expect((await sessionRecord(t, busy.token)).lastSeenAt).not.toBeNull();

    // The other two were last used at login, 75 minutes ago.
    expect(await meStatus(t, { token: idle.token })).toBe(401);
    expect(await meStatus(t, { cookie: idleByCookie.cookie })).toBe(401);
    expect((await sessionRecord(t, idle.token)).revokedAt).not.toBeNull();
    expect((await sessionRecord(t, idleByCookie.token)).revokedAt).not.toBeNull();
    // Ended, not paused: the record stays revoked, so going back in time does not revive it.
    clock.set(0);
    expect(await meStatus(t, { token: idle.token })).toBe(401);

    // Just under the limit is still fine; just past it is not.
    const edge = await t.login(USER);
    clock.advance(29 * MINUTE + 55000);
    expect(await meStatus(t, { token: edge })).toBe(200);
    clock.advance(30 * MINUTE + 1000);
    expect(await meStatus(t, { token: edge })).toBe(401);
  } finally {
    await t.stop();
  }
});

test('the idle check also applies to a credential served from the cache (no database read)', async () => {
  const t = await startAuthKernel();
  try {
    let now = Date.now();
    const clock = { now: () => new Date(now) };
    // A cache that would keep the entry for a day: only the idle check can end the session.
    const cache = new CredentialCache(86400000, 100, () => now);
    const sessions = new SessionService(t.kernel.dataSource, randomBytes(32), { ttlMs: 12 * 60 * MINUTE, idleMs: 30 * MINUTE }, cache, clock);
    const bob = await t.kernel.resolve(AuthTokens.UserService).findByUsername(USER.username);
    const { token, sessionId } = await sessions.issue(bob!, { transport: 'http', clientIp: '127.0.0.1' });
    expect((await sessions.authenticate(token))?.name).toBe('bob');
    expect(cache.get(token)?.sessionId).toBe(sessionId);
    now += 20 * MINUTE;
    expect((await sessions.authenticate(token))?.name).toBe('bob'); // a use, from the cache
    now += 31 * MINUTE;
    expect(cache.get(token)?.sessionId).toBe(sessionId); // still cached...
    expect(await sessions.authenticate(token)).toBeUndefined(); // ...but idle for 31 minutes
    expect(cache.get(token)).toBeUndefined();
    const [row] = await runSql<{ revokedAt: unknown }>(t.kernel.dataSource, 'SELECT "revokedAt" FROM auth_sessions WHERE id = ?', [sessionId]);
    expect(row.revokedAt).not.toBeNull();
  } finally {
    await t.stop();
  }
});

test('a session ends at auth.sessionTtl however busy it is (absolute timeout)', async () => {
  const t = await startAuthKernel({ auth: { sessionTtl: '2h', sessionIdleTimeout: '1h' } });
  try {
    const clock = movableClock(t);
    const { token, cookie } = await loginWithCookie(t, USER);
    for (let i = 0; i < 2; i++) {
      clock.advance(50 * MINUTE);
      expect(await meStatus(t, { token })).toBe(200);
    }
    clock.advance(19 * MINUTE); // 1 h 59 min
    expect(await meStatus(t, { cookie })).toBe(200);
    clock.advance(2 * MINUTE); // 2 h 1 min, last used 2 minutes ago
    expect(await meStatus(t, { token })).toBe(401);
    expect(await meStatus(t, { cookie })).toBe(401);
    // A fresh login works.
    expect(await meStatus(t, { token: await t.login(USER) })).toBe(200);
  } finally {
    await t.stop();
  }
});

test('the idle clock survives a restart on the same data folder (last use written to the record, and flushed at shutdown)', async () => {
  const config = { auth: { sessionIdleTimeout: '30m' } };
  const first = await startAuthKernel(config);
  let second: Awaited<ReturnType<typeof startTestKernel>> | undefined;
  try {
    const clock = movableClock(first);
    const used = await first.login(USER);
    const unused = await first.login(ADMIN);
    clock.set(10 * MINUTE);
    expect(await meStatus(first, { token: used })).toBe(200); // written: more than a minute since the last write
    clock.set(10 * MINUTE + 30000);
    expect(await meStatus(first, { token: used })).toBe(200); // in memory only, until shutdown
    await first.stop({ keepData: true });

    second = await startTestKernel({ plugins: [authPlugin], dataDir: first.dataDir, config });
    const later = movableClock(second);
    // 29m30s after the last use (plus the restart's real seconds), 40 minutes after login: alive only
    // if the last use, kept in memory until shutdown, reached the record.
    later.set(10 * MINUTE + 30000 + 29 * MINUTE + 30000);
    expect(await meStatus(second, { token: used })).toBe(200);
    // The other session's idle clock also carried over: unused for 40 minutes, it is over.
    expect(await meStatus(second, { token: unused })).toBe(401);
    // And the survivor still times out when left alone.
    later.advance(31 * MINUTE);
    expect(await meStatus(second, { token: used })).toBe(401);
  } finally {
    if (second) await second.stop();
    else await first.stop();
    await import('node:fs').then((fs) => fs.rmSync(first.dataDir, { recursive: true, force: true }));
  }
});

test('an MCP session logged in with the login tool follows the same idle limit, and ends when an admin signs the user out everywhere', async () => {
  const t = await startAuthKernel({ auth: { sessionIdleTimeout: '30m' } });
  const idle = await connectMcp(t.url);
  const busy = await connectMcp(t.url);
  try {
    const clock = movableClock(t);
    const me = async (client: typeof idle) => resultText(await client.callTool({ name: 'get_current_user', arguments: {} }));
    for (const client of [idle, busy]) expect(resultText(await client.callTool({ name: 'login', arguments: { username: USER.username, password: USER.password } })).isError).toBe(false);
    clock.advance(20 * MINUTE);
    expect((await me(busy)).structured).toMatchObject({ username: 'bob' });
    clock.advance(20 * MINUTE);
    expect((await me(busy)).structured).toMatchObject({ username: 'bob' });
    const ended = await me(idle);
    expect(ended.isError).toBe(true);
    expect(ended.text).toMatch(/^unauthorized:/);

    const admin = await t.login(ADMIN);
    const bobId = (await t.request('GET', '/api/users', { token: admin })).body.users.find((u: { username: string }) => u.username === 'bob').id;
    expect((await t.request('DELETE', `/api/users/${bobId}/sessions`, { token: admin })).status).toBe(204);
    expect((await me(busy)).text).toMatch(/^unauthorized:/);
  } finally {
    await idle.close();
    await busy.close();
    await t.stop();
  }
});

describe('auth.sessionIdleTimeout is validated at start, naming the key', () => {
  test.each([
    [{ sessionIdleTimeout: '1 hour' }, /auth\.sessionIdleTimeout: must be a number followed by s, m, h or d/],
    [{ sessionIdleTimeout: '30s' }, /auth\.sessionIdleTimeout: must be at least 1m/],
  ])('%j is refused', async (auth, message) => {
    await expect(startTestKernel({ plugins: [authPlugin], config: { auth } })).rejects.toThrow(message);
  });

  test('longer than sessionTtl is accepted but capped at it (said in the log)', async () => {
    const t = await startAuthKernel({ auth: { sessionTtl: '30m' } }); // the default 1h idle limit is longer
    try {
      expect(t.logs().some((l) => l.includes('auth.sessionIdleTimeout (1h) is longer than auth.sessionTtl (30m)'))).toBe(true);
      const clock = movableClock(t);
      const token = await t.login(USER);
      clock.advance(20 * MINUTE);
      expect(await meStatus(t, { token })).toBe(200);
      clock.advance(11 * MINUTE);
      expect(await meStatus(t, { token })).toBe(401);
    } finally {
      await t.stop();
    }
  });
});
