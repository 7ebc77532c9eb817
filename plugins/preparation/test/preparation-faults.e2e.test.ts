import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { addFreshServer, startFreshServer, startPreparationKernel, waitForPreparation, type FreshServer, type PreparationKernel } from './support/preparation-kernel';
import { freePort } from '../../../test-support/ports';

// Faults during a real preparation of a fresh Debian 12 server: the connection is cut in the
// middle of the Docker install, and Tomo itself is killed mid-run. Both end `failed` with a
// clear message and a retry completes without repeating the finished steps.
jest.setTimeout(900000);

/** Resolves once the log shows the given step running a command. */
async function waitForStep(read: () => Promise<Array<{ step: string | null; message: string }>>, step: string, timeoutMs = 300000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lines = await read();
    if (lines.some((l) => l.step === step && /^[#$] /.test(l.message))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`step ${step} never started`);
}

describe('the connection is cut during the Docker install', () => {
  let t: PreparationKernel;
  let fresh: FreshServer;

  beforeAll(async () => {
    fresh = await startFreshServer({ sudo: 'password' });
    t = await startPreparationKernel({ config: { servers: { ssh: { keepaliveIntervalMs: 2000, handshakeTimeoutMs: 5000 } } } });
  });
  afterAll(async () => {
    await t?.stop();
    await fresh?.remove();
  });

  test('status failed at install-docker with a clear message; after restoring, retry completes without repeating finished steps', async () => {
    const serverId = await addFreshServer(t, fresh);
    await t.request('POST', `/api/servers/${serverId}/preparation`, { token: t.token, body: {} });
    await waitForStep(async () => (await t.request('GET', `/api/servers/${serverId}/preparation/log`, { token: t.token })).body.lines, 'install-docker');
    await fresh.disconnectNetwork();
    const failed = await waitForPreparation(t, serverId, 120000);
    expect(failed.status).toBe('failed');
    expect(failed.failedStep).toBe('install-docker');
    expect(failed.error).toMatch(/Connection lost|connection refused|timed out|Timed out/i);

    await fresh.reconnectNetwork();
    const retry = await t.request('POST', `/api/servers/${serverId}/preparation/retry`, { token: t.token, body: {} });
    expect(retry.status).toBe(202);
    // The retry's answer keeps the plan and the detected OS; the failed step waits again.
    expect(retry.body).toMatchObject({ status: 'in_progress', failedStep: null, error: null, os: expect.objectContaining({ id: expect.any(String) }) });
    expect(retry.body.steps.find((s: { id: string }) => s.id === 'install-docker').state).toBe('pending');
    expect(retry.body.steps.some((s: { state: string }) => s.state === 'failed' || s.state === 'rolled_back')).toBe(false);
    const done = await waitForPreparation(t, serverId);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    const state = Object.fromEntries(done.steps.map((s: { id: string; state: string }) => [s.id, s.state]));
    // Finished before the cut: re-checked, not re-applied.
    expect(state['update-package-index']).toBe('satisfied');
    expect(state['install-dependencies']).toBe('satisfied');
    expect((await fresh.exec(['systemctl', 'is-active', 'docker'])).stdout.trim()).toBe('active');
  });
});

describe('Tomo is killed (SIGKILL) during a preparation', () => {
  let fresh: FreshServer;
  let dataDir: string;

  beforeAll(async () => {
    assertBuilt();
    fresh = await startFreshServer({ sudo: 'nopasswd' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-prep-kill-'));
  });
  afterAll(async () => {
    await fresh?.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('after a restart the run shows failed (interrupted) and a retry completes', async () => {
    expect(runTomo(['admin', 'create', '--username', 'admin', '--email', 'a@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'admin-password-1234').status).toBe(0);
    const port = await freePort();
    let server = await serveTomo({ TOMO_DATA_DIR: dataDir }, port);
    const api = async (method: string, url: string, token?: string, body?: unknown) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
    };
    try {
      const login = async () => (await api('POST', '/api/auth/login', undefined, { username: 'admin', password: 'admin-password-1234' })).body.token as string;
      let token = await login();
      const added = await api('POST', '/api/servers', token, { name: 'fresh', host: fresh.host, port: fresh.port, username: fresh.username, authType: 'password', credentials: { password: fresh.password } });
      expect(added.status).toBe(201);
      const id = added.body.id as string;
      expect((await api('POST', `/api/servers/${id}/test`, token)).body.ok).toBe(true);
      expect((await api('POST', `/api/servers/${id}/preparation`, token, {})).status).toBe(202);
      await waitForStep(async () => (await api('GET', `/api/servers/${id}/preparation/log`, token)).body.lines, 'install-dependencies');
      await server.kill();

      server = await serveTomo({ TOMO_DATA_DIR: dataDir }, port);
      token = await login();
      const after = await api('GET', `/api/servers/${id}/preparation`, token);
      expect(after.body.status).toBe('failed');
      expect(after.body.error).toMatch(/Interrupted by a restart/);

      expect((await api('POST', `/api/servers/${id}/preparation/retry`, token, {})).status).toBe(202);
      const deadline = Date.now() + 300000;
      let status = after.body;
      while (Date.now() < deadline) {
        status = (await api('GET', `/api/servers/${id}/preparation`, token)).body;
        if (status.status !== 'in_progress') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(status.error).toBeNull();
      expect(status.status).toBe('completed');
    } finally {
      await server.stop();
    }
    // The database survived the kill intact.
    const db = new Database(path.join(dataDir, 'tomo.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
