import { USER, countRows, startAuthKernel } from './support/auth-kernel';
import { connectMcp, resultText } from './support/mcp-client';
import { enrolTotp, freshCode, wrongCode } from './support/totp';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;
let secret: string;
let recoveryCodes: string[];

beforeAll(async () => {
  t = await startAuthKernel({ auth: { throttle: { perUsername: { attempts: 4, windowSeconds: 60 }, perClient: { attempts: 1000, windowSeconds: 60 } } } });
  ({ secret, recoveryCodes } = await enrolTotp(t, await t.login(USER)));
});
afterAll(() => t.stop());

test('MCP login: password only is refused with second_factor_required and issues nothing; with totp it logs the session in', async () => {
  const client = await connectMcp(t.url);
  try {
    const { tools } = await client.listTools();
    expect(Object.keys(tools.find((tool) => tool.name === 'login')!.inputSchema.properties ?? {})).toEqual(['username', 'password', 'totp']);

    const sessions = await countRows(t, 'auth_sessions');
    const bare = resultText(await client.callTool({ name: 'login', arguments: { username: USER.username, password: USER.password } }));
    expect(bare.isError).toBe(true);
    expect(bare.error.code).toBe('second_factor_required');
    expect(bare.text).toMatch(/^second_factor_required:/);
    expect(await countRows(t, 'auth_sessions')).toBe(sessions);
    expect(resultText(await client.callTool({ name: 'get_current_user', arguments: {} })).error.code).toBe('unauthorized');

    const code = await freshCode(secret);
    const ok = resultText(await client.callTool({ name: 'login', arguments: { username: USER.username, password: USER.password, totp: code } }));
    expect(ok.isError).toBe(false);
    expect(ok.structured).toMatchObject({ loggedIn: true, user: { username: USER.username }, twoFactorEnrolmentRequired: false });
    expect(ok.text).not.toContain(secret);
    expect(resultText(await client.callTool({ name: 'get_current_user', arguments: {} })).structured.username).toBe(USER.username);

    // The same code again (another MCP session) is refused.
    const other = await connectMcp(t.url);
    try {
      const reused = resultText(await other.callTool({ name: 'login', arguments: { username: USER.username, password: USER.password, totp: code } }));
      expect(reused.isError).toBe(true);
      expect(reused.error).toMatchObject({ code: 'invalid_second_factor', field: 'code' });
      expect(resultText(await other.callTool({ name: 'get_current_user', arguments: {} })).isError).toBe(true);
    } finally {
      await other.close();
    }
  } finally {
    await client.close();
  }
});

test('MCP login with a recovery code works once; wrong codes are throttled', async () => {
  const client = await connectMcp(t.url);
  try {
    const login = (totp: string) => client.callTool({ name: 'login', arguments: { username: USER.username, password: USER.password, totp } }).then(resultText);
    expect((await login(recoveryCodes[3])).isError).toBe(false);
    const again = await login(recoveryCodes[3]);
    expect(again.error.code).toBe('invalid_second_factor');
    const wrong = await wrongCode(secret);
    // One failure so far (the spent recovery code); the budget is 4.
    for (let i = 0; i < 3; i++) expect((await login(wrong)).error.code).toBe('invalid_second_factor');
    expect((await login(recoveryCodes[4])).error.code).toBe('too_many_requests');
    const badShape = await login('12');
    expect(badShape.error).toMatchObject({ code: 'validation_failed', field: 'totp' });
  } finally {
    await client.close();
  }
});
