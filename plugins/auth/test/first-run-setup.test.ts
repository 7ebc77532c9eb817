import { startTestKernel } from '@tomo/kernel/testing';
import { authPlugin } from '../src/plugin';

function setupCodeFromLogs(logs: string[]): string {
  for (const line of logs) {
    const match = /setup code ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(JSON.parse(line).msg ?? '');
    if (match) return match[1];
  }
  throw new Error('no setup code in the log');
}

test('first run: the setup code from the log creates the first admin once; a wrong code is refused and writes nothing', async () => {
  const t = await startTestKernel({ plugins: [authPlugin] });
  try {
    expect((await t.request('GET', '/api/auth/setup')).body).toEqual({ needsSetup: true });
    const code = setupCodeFromLogs(t.logs());
    const admin = { username: 'root-admin', email: 'r@example.com', password: 'first-admin-password' };

    const wrong = await t.request('POST', '/api/auth/setup', { body: { ...admin, setupCode: 'AAAA-BBBB-CCCC' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.field).toBe('setupCode');
    expect((await t.request('GET', '/api/auth/setup')).body.needsSetup).toBe(true);

    const bad = await t.request('POST', '/api/auth/setup', { body: { ...admin, username: 'x y', setupCode: code } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('username');

    const ok = await t.request('POST', '/api/auth/setup', { body: { ...admin, setupCode: code.toLowerCase() } });
    expect(ok.status).toBe(201);
    expect(ok.body.user).toMatchObject({ username: 'root-admin', role: 'admin' });
    expect(ok.headers.get('set-cookie')).toMatch(/tomo_session=/);
    expect((await t.request('GET', '/api/auth/setup')).body).toEqual({ needsSetup: false });

    const again = await t.request('POST', '/api/auth/setup', { body: { ...admin, username: 'second-admin', setupCode: code } });
    expect(again.status).toBe(409);
  } finally {
    await t.stop();
  }
});

test('no setup code is printed once an admin exists', async () => {
  const t = await startTestKernel({ plugins: [authPlugin] });
  const dataDir = t.dataDir;
  await t.request('POST', '/api/auth/setup', {
    body: { username: 'root-admin', email: 'r@example.com', password: 'first-admin-password', setupCode: setupCodeFromLogs(t.logs()) },
  });
  await t.stop({ keepData: true });
  const again = await startTestKernel({ plugins: [authPlugin], dataDir });
  try {
    expect(() => setupCodeFromLogs(again.logs())).toThrow('no setup code');
  } finally {
    await again.stop();
  }
});
