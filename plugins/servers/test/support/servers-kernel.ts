import fs from 'node:fs';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { authPlugin } from '../../../auth/src/plugin';
import { serversPlugin } from '../../src/plugin';
import { loadTestbed } from '../../../../scripts/testbed/testbed.js';

/** The test bed (fails, never skips, when it is missing); typed by testbed.js's JSDoc. */
export const testbed = loadTestbed;
export const readKey = (file: string): string => fs.readFileSync(file, 'utf8');

export const ADMIN = { username: 'admin', password: 'admin-password-1234' };
export const ALICE = { username: 'alice', password: 'alice-password-1234' };
export const BOB = { username: 'bob', password: 'bob-password-12345' };

export type ServersKernel = TestKernel & { tokens: { admin: string; alice: string; bob: string } };

/** A kernel with auth + servers, an admin and two users logged in. */
export async function startServersKernel(config: Record<string, unknown> = {}): Promise<ServersKernel> {
  const t = await startTestKernel({ plugins: [authPlugin, serversPlugin], config });
  const users = t.kernel.resolve(AuthTokens.UserService);
  const call = { transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger };
  await users.create({ ...ADMIN, email: 'a@example.com', role: 'admin' }, call);
  await users.create({ ...ALICE, email: 'alice@example.com', role: 'user' }, call);
  await users.create({ ...BOB, email: 'bob@example.com', role: 'user' }, call);
  const login = async (who: { username: string; password: string }) => (await t.request('POST', '/api/auth/login', { body: who })).body.token as string;
  return Object.assign(t, { tokens: { admin: await login(ADMIN), alice: await login(ALICE), bob: await login(BOB) } });
}

/** The body that adds the test bed's sshd with a password. */
export function passwordServer(name = 'testbed'): Record<string, unknown> {
  const { ssh } = testbed();
  return { name, host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } };
}
