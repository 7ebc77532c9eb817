import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import type { CallContext } from '@tomo/kernel';
import { AuthTokens } from '../../src/api';
import { authPlugin } from '../../src/plugin';

export const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'admin-password-1234' };
export const USER = { username: 'bob', email: 'bob@example.com', password: 'bob-password-12345' };

/** A call context for service calls made directly by tests (as the CLI would). */
export function cliCall(t: TestKernel): CallContext {
  return { transport: 'cli', clientIp: 'local', requestId: 'test', log: t.kernel.logger };
}

/** A kernel with the auth plugin, an admin and a plain user already created. */
export async function startAuthKernel(config: Record<string, unknown> = {}): Promise<TestKernel & { login(who: { username: string; password: string }): Promise<string> }> {
  const t = await startTestKernel({ plugins: [authPlugin], config });
  const users = t.kernel.resolve(AuthTokens.UserService);
  await users.create({ ...ADMIN, role: 'admin' }, cliCall(t));
  await users.create({ ...USER, role: 'user' }, cliCall(t));
  return Object.assign(t, {
    async login(who: { username: string; password: string }): Promise<string> {
      const res = await t.request('POST', '/api/auth/login', { body: { username: who.username, password: who.password } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
  });
}

/** Number of rows in a table (to prove nothing was written). */
export async function countRows(t: TestKernel, table: string): Promise<number> {
  const [row] = await t.kernel.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}
