import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { authPlugin } from '../../../auth/src/plugin';
import { serversPlugin } from '../../../servers/src/plugin';
import { builtInPreparersModule, preparationPlugin } from '../../src/plugin';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const freshServers = require('../../../../scripts/testbed/fresh-server.js');

/** A fresh Debian 12 or 13 machine from the test bed (see scripts/testbed/fresh-server.js). */
export interface FreshServer {
  id: string;
  debian: 12 | 13;
  /** The test bed registry it can pull from once Docker is installed (`registry: true`), else null. */
  registry: string | null;
  host: string;
  port: number;
  username: string;
  password: string;
  exec(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stopSsh(): Promise<void>;
  startSsh(): Promise<void>;
  disconnectNetwork(): Promise<void>;
  reconnectNetwork(): Promise<void>;
  remove(): Promise<void>;
}

export function startFreshServer(options: { sudo: 'password' | 'nopasswd' | 'none'; debian?: 12 | 13; registry?: boolean }): Promise<FreshServer> {
  return freshServers.startFreshServer(options);
}

export const ADMIN = { username: 'admin', password: 'admin-password-1234' };

export type PreparationKernel = TestKernel & { token: string };

/** A kernel with auth, servers and preparation (with the built-in preparers), an admin logged in. */
export async function startPreparationKernel(options: { dataDir?: string; config?: Record<string, unknown> } = {}): Promise<PreparationKernel> {
  const t = await startTestKernel({ plugins: [authPlugin, serversPlugin, preparationPlugin], modules: [builtInPreparersModule], dataDir: options.dataDir, config: options.config });
  const users = t.kernel.resolve(AuthTokens.UserService);
  if (!(await users.findByUsername(ADMIN.username))) {
    await users.create({ ...ADMIN, email: 'admin@example.com', role: 'admin' }, { transport: 'cli', clientIp: 'local', requestId: 'test', log: t.kernel.logger });
  }
  const token = (await t.request('POST', '/api/auth/login', { body: ADMIN })).body.token as string;
  return Object.assign(t, { token });
}

/** Adds the fresh server to Tomo with its password and returns the Tomo server id. */
export async function addFreshServer(t: PreparationKernel, fresh: FreshServer, name = 'fresh'): Promise<string> {
  const res = await t.request('POST', '/api/servers', {
    token: t.token,
    body: { name, host: fresh.host, port: fresh.port, username: fresh.username, authType: 'password', credentials: { password: fresh.password } },
  });
  if (res.status !== 201) throw new Error(`add server: ${res.status} ${JSON.stringify(res.body)}`);
  const tested = await t.request('POST', `/api/servers/${res.body.id}/test`, { token: t.token });
  if (!tested.body.ok) throw new Error(`test: ${JSON.stringify(tested.body)}`);
  return res.body.id as string;
}

/** Polls the status until it leaves `in_progress` (or the deadline passes). */
export async function waitForPreparation(t: PreparationKernel, serverId: string, timeoutMs = 300000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.request('GET', `/api/servers/${serverId}/preparation`, { token: t.token });
    if (res.body.status !== 'in_progress') return res.body;
    if (Date.now() > deadline) throw new Error(`preparation still running after ${timeoutMs} ms: ${JSON.stringify(res.body.steps)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
