import { USER, startAuthKernel } from './support/auth-kernel';

test('failed logins are throttled per username (429 with Retry-After); a success resets the count', async () => {
  const t = await startAuthKernel({ auth: { throttle: { perUsername: { attempts: 3, windowSeconds: 60 }, perClient: { attempts: 100, windowSeconds: 60 } } } });
  try {
    const wrong = { username: USER.username, password: 'wrong-password-x' };
    for (let i = 0; i < 2; i++) expect((await t.request('POST', '/api/auth/login', { body: wrong })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } })).status).toBe(200); // resets
    for (let i = 0; i < 3; i++) expect((await t.request('POST', '/api/auth/login', { body: wrong })).status).toBe(401);
    const blocked = await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.error.code).toBe('too_many_requests');
    // Unknown usernames are throttled the same way, so throttling reveals nothing either.
    const ghost = { username: 'ghost-user', password: 'wrong-password-x' };
    for (let i = 0; i < 3; i++) expect((await t.request('POST', '/api/auth/login', { body: ghost })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: ghost })).status).toBe(429);
  } finally {
    await t.stop();
  }
});

test('failed logins are throttled per client address across usernames', async () => {
  const t = await startAuthKernel({ auth: { throttle: { perUsername: { attempts: 100, windowSeconds: 60 }, perClient: { attempts: 4, windowSeconds: 60 } } } });
  try {
    for (let i = 0; i < 4; i++) {
      expect((await t.request('POST', '/api/auth/login', { body: { username: `user${i}x`, password: 'wrong-password-x' } })).status).toBe(401);
    }
    expect((await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } })).status).toBe(429);
  } finally {
    await t.stop();
  }
});

describe('the client address behind X-Forwarded-For', () => {
  const wrong = (username: string, forwardedFor: string) =>
    ({ body: { username, password: 'wrong-password-x' }, headers: { 'X-Forwarded-For': forwardedFor } });

  test('without a trusted proxy (server.trustProxy false), rotating X-Forwarded-For does not reset the per-client count', async () => {
    const t = await startAuthKernel({ auth: { throttle: { perUsername: { attempts: 100, windowSeconds: 60 }, perClient: { attempts: 4, windowSeconds: 60 } } } });
    try {
      for (let i = 0; i < 4; i++) expect((await t.request('POST', '/api/auth/login', wrong(`user${i}x`, `203.0.113.${i + 1}`))).status).toBe(401);
      const res = await t.request('POST', '/api/auth/login', { ...wrong(USER.username, '198.51.100.99'), body: { username: USER.username, password: USER.password } });
      expect(res.status).toBe(429);
    } finally {
      await t.stop();
    }
  });

  test('the per-username count holds whatever address each attempt claims, even behind a trusted proxy', async () => {
    const t = await startAuthKernel({
      server: { trustProxy: true },
      auth: { throttle: { perUsername: { attempts: 3, windowSeconds: 60 }, perClient: { attempts: 100, windowSeconds: 60 } } },
    });
    try {
      for (let i = 0; i < 3; i++) expect((await t.request('POST', '/api/auth/login', wrong(USER.username, `203.0.113.${i + 1}`))).status).toBe(401);
      const res = await t.request('POST', '/api/auth/login', { ...wrong(USER.username, '198.51.100.42'), body: { username: USER.username, password: USER.password } });
      expect(res.status).toBe(429);
    } finally {
      await t.stop();
    }
  });

  test('behind a trusted proxy, the address the proxy appended is the client: its own count, forged entries before it ignored', async () => {
    const t = await startAuthKernel({
      server: { trustProxy: true },
      auth: { throttle: { perUsername: { attempts: 100, windowSeconds: 60 }, perClient: { attempts: 3, windowSeconds: 60 } } },
    });
    try {
      // The same client (198.51.100.7, as the proxy appended it) whatever it wrote in front.
      for (let i = 0; i < 3; i++) expect((await t.request('POST', '/api/auth/login', wrong(`user${i}x`, `203.0.113.${i + 1}, 198.51.100.7`))).status).toBe(401);
      const blocked = await t.request('POST', '/api/auth/login', { ...wrong('x', '198.51.100.7'), body: { username: USER.username, password: USER.password } });
      expect(blocked.status).toBe(429);
      // Another client behind the same proxy is not locked out by the first one's typos.
      const other = await t.request('POST', '/api/auth/login', { ...wrong('x', '198.51.100.8'), body: { username: USER.username, password: USER.password } });
      expect(other.status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});

test('an unknown user and a wrong password get the same status and body, in about the same time (bcrypt either way)', async () => {
  const t = await startAuthKernel({ auth: { throttle: { perUsername: { attempts: 1000, windowSeconds: 60 }, perClient: { attempts: 1000, windowSeconds: 60 } } } });
  try {
    const attempt = async (username: string) => {
      const started = process.hrtime.bigint();
      const res = await t.request('POST', '/api/auth/login', { body: { username, password: 'wrong-password-x' } });
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: res.status, body: JSON.stringify(res.body), cookie: res.headers.get('set-cookie') };
    };
    await attempt('warm-up-user');
    await attempt(USER.username);
    const unknown: Array<Awaited<ReturnType<typeof attempt>>> = [];
    const wrong: Array<Awaited<ReturnType<typeof attempt>>> = [];
    // Interleaved, so a burst of load on the machine hits both sides alike.
    for (let i = 0; i < 20; i++) {
      unknown.push(await attempt(`nobody${i}`));
      wrong.push(await attempt(USER.username));
    }
    // Same answer, byte for byte (no hint in status, body or cookie).
    expect(new Set([...unknown, ...wrong].map((a) => `${a.status} ${a.body} ${a.cookie}`))).toEqual(
      new Set([`401 ${JSON.stringify({ error: { code: 'invalid_credentials', message: 'Invalid username or password' } })} null`]),
    );
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(unknown.map((a) => a.ms)) / median(wrong.map((a) => a.ms));
    // Without the dummy bcrypt comparison an unknown user answers in ~1 ms against ~200 ms for a
    // wrong password: a ratio near 0.005. 0.5 to 2 tolerates a loaded 2-core machine and still catches that.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  } finally {
    await t.stop();
  }
}, 120000);
