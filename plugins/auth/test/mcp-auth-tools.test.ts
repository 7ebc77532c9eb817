import { runSql } from '@tomo/kernel';
import { ADMIN, USER, startAuthKernel } from './support/auth-kernel';
import { connectMcp, resultText } from './support/mcp-client';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;

beforeAll(async () => {
  t = await startAuthKernel();
});
afterAll(() => t.stop());

test('tools/list shows the auth tools with input schemas and annotations, without logging in', async () => {
  const client = await connectMcp(t.url);
  try {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['login', 'logout', 'get_current_user', 'create_user', 'list_users']));
    expect(byName.login.inputSchema).toMatchObject({ type: 'object', required: ['username', 'password'], additionalProperties: false });
    expect(Object.keys(byName.create_user.inputSchema.properties ?? {})).toEqual(['username', 'email', 'password', 'role']);
    expect(byName.list_users.annotations).toMatchObject({ readOnlyHint: true });
  } finally {
    await client.close();
  }
});

test('login binds the MCP session; get_current_user answers; the token never appears in a result', async () => {
  const client = await connectMcp(t.url);
  try {
    const before = resultText(await client.callTool({ name: 'get_current_user', arguments: {} }));
    expect(before.isError).toBe(true);
    expect(before.text).toMatch(/^unauthorized:/);

    const login = resultText(await client.callTool({ name: 'login', arguments: { username: ADMIN.username, password: ADMIN.password } }));
    expect(login.isError).toBe(false);
    expect(login.structured).toMatchObject({ loggedIn: true, user: { username: 'admin' } });
    expect(login.text).not.toMatch(/eyJ[A-Za-z0-9_-]+\./); // no JWT
    expect(login.text).not.toContain(ADMIN.password);

    const me = resultText(await client.callTool({ name: 'get_current_user', arguments: {} }));
    expect(me.structured).toMatchObject({ username: 'admin', role: 'admin' });

    const logout = resultText(await client.callTool({ name: 'logout', arguments: {} }));
    expect(logout.structured).toEqual({ loggedOut: true });
    expect(resultText(await client.callTool({ name: 'get_current_user', arguments: {} })).isError).toBe(true);
  } finally {
    await client.close();
  }
});

test('an admin creates a user over MCP; that user is refused list_users with a permission error', async () => {
  const admin = await connectMcp(t.url);
  const user = await connectMcp(t.url);
  try {
    await admin.callTool({ name: 'login', arguments: { username: ADMIN.username, password: ADMIN.password } });
    const created = resultText(
      await admin.callTool({ name: 'create_user', arguments: { username: 'agent-made', email: 'agent@example.com', password: 'agent-made-password', role: 'user' } }),
    );
    expect(created.isError).toBe(false);
    expect(created.structured).toMatchObject({ username: 'agent-made', role: 'user' });
    expect(created.text).not.toContain('agent-made-password');
    const list = resultText(await admin.callTool({ name: 'list_users', arguments: {} }));
    expect(list.structured.users.map((u: { username: string }) => u.username)).toContain('agent-made');

    await user.callTool({ name: 'login', arguments: { username: 'agent-made', password: 'agent-made-password' } });
    const refused = resultText(await user.callTool({ name: 'list_users', arguments: {} }));
    expect(refused.isError).toBe(true);
    expect(refused.error.code).toBe('forbidden');
    const refusedCreate = resultText(
      await user.callTool({ name: 'create_user', arguments: { username: 'sneaky', email: 's@example.com', password: 'sneaky-password-1', role: 'admin' } }),
    );
    expect(refusedCreate.error.code).toBe('forbidden');
    const rows = await runSql(t.kernel.dataSource, `SELECT COUNT(*) AS n FROM auth_users WHERE "usernameKey" = 'sneaky'`);
    expect(Number(rows[0].n)).toBe(0);
  } finally {
    await Promise.all([admin.close(), user.close()]);
  }
});

test('bad tool arguments are a tool error naming the argument, and nothing is written', async () => {
  const admin = await connectMcp(t.url);
  try {
    await admin.callTool({ name: 'login', arguments: { username: ADMIN.username, password: ADMIN.password } });
    const bad = resultText(await admin.callTool({ name: 'create_user', arguments: { username: 'x\u0001y', email: 'a@example.com', password: 'long-enough-password' } }));
    expect(bad.isError).toBe(true);
    expect(bad.error).toMatchObject({ code: 'validation_failed', field: 'username' });
    const extra = resultText(await admin.callTool({ name: 'list_users', arguments: { all: true } }));
    expect(extra.error.field).toBe('all');
  } finally {
    await admin.close();
  }
});

test('an API token works as a bearer header; once revoked it is refused', async () => {
  const session = await t.login(USER);
  const created = await t.request('POST', '/api/auth/tokens', { token: session, body: { name: 'claude-desktop' } });
  const client = await connectMcp(t.url, created.body.token);
  try {
    const me = resultText(await client.callTool({ name: 'get_current_user', arguments: {} }));
    expect(me.structured).toMatchObject({ username: USER.username });
    await t.request('DELETE', `/api/auth/tokens/${created.body.record.id}`, { token: session });
    const refused = resultText(await client.callTool({ name: 'get_current_user', arguments: {} }));
    expect(refused.isError).toBe(true);
    expect(refused.error.code).toBe('unauthorized');
  } finally {
    await client.close();
  }
});

test('a wrong MCP login is a tool error with the same message as HTTP', async () => {
  const client = await connectMcp(t.url);
  try {
    const res = resultText(await client.callTool({ name: 'login', arguments: { username: USER.username, password: 'definitely-wrong' } }));
    expect(res.isError).toBe(true);
    expect(res.text).toBe('invalid_credentials: Invalid username or password');
  } finally {
    await client.close();
  }
});
