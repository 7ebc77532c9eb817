/**
 * Issue 10, "Secrets sweep": one built Tomo (`tomo serve`, logging at debug) taken through every
 * flow that handles a secret — sign-in, users, API tokens, servers with a password and with an
 * encrypted key, a preparation with a sudo password, apps with a given and a generated secret
 * setting, a backup exported and imported with its password, the same through MCP — while every
 * HTTP response body and MCP result is kept; notification channels of every type with a secret
 * (tokens, an SMTP password, webhook URLs holding one, the HMAC signing secret), tested against
 * receivers that refuse and echo what they got; single sign-on through a real OpenID provider (its client
 * secret read from a file outside the data folder), accepted and refused. Then every one of them, every file in the data
 * folder (log, SQLite database and WAL, plugin folders), Tomo's stderr and the activity log are
 * searched for every secret: zero hits. The only answers allowed to carry a secret are the two
 * that exist to hand one out (a login's session token, a new API token's value, a generated
 * webhook signing secret), and only that one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../plugins/auth/test/support/mcp-client';
import { assertBuilt, runTomo, serveTomo } from '../../plugins/auth/test/support/tomo-cli';
import { freshCode } from '../../plugins/auth/test/support/totp';
import { localDocker, markPreparedInDatabase, TEST_CATALOG, testbed } from '../../plugins/apps/test/support/apps-kernel';
import { freePort } from '../../test-support/ports';
import { HttpReceiver } from '../../plugins/alerts/test/support/http-receiver';
import { SmtpReceiver } from '../../plugins/alerts/test/support/smtp-receiver';
import { signInThroughProvider, startOidcProvider } from '../../plugins/auth/test/support/oidc-provider';
jest.setTimeout(240000);

const tag = crypto.randomBytes(4).toString('hex');
const ADMIN = { username: 'admin', password: `admin-pass-${tag}-Zq` };
const USER = { username: 'carol', password: `carol-pass-${tag}-Wx` };
const NEW_USER_PASSWORD = `carol-new-${tag}-Yv`;
const SUDO_PASSWORD = `sudo-pass-${tag}-Tr`;
const GIVEN_APP_SECRET = `app-secret-${tag}-Qm`;
const BACKUP_PASSWORD = `backup-pass-${tag}-Lk`;
/** The OpenID client secret (issue 20): in a file named by auth.oidc[].clientSecretFile, outside the data folder. */
const OIDC_CLIENT_SECRET = `oidc-client-secret-${tag}-Pb`;
/** Notification channels' secrets (issue 18). */
const CHANNEL_SECRETS = {
  'ntfy token': `tk_ntfy${tag}Sweep`,
  'Gotify app token': `GotifyApp${tag}.Sweep`,
  'Discord webhook token': `discord-${tag}-webhook-token`,
  'Slack webhook secret': `slack${tag}SecretPath`,
  'webhook URL token': `hook-url-${tag}-token`,
  'webhook signing secret': `given-signing-secret-${tag}-Hm`,
  'SMTP password': `smtp-pass-${tag}-Wq`,
};

/** name → value of every secret the run handles (filled as they appear). */
const secrets = new Map<string, string>();
/**
 * Everything Tomo answered, with where it came from; `allowed` names the one secret it may carry
 * (or a family: `recovery code` allows `recovery code 1`, `recovery code 2`…, handed out together).
 */
const answers: Array<{ where: string; text: string; allowed?: string }> = [];

let dataDir: string;
let tomo: Awaited<ReturnType<typeof serveTomo>>;
let adminToken: string;
let oidcProvider: Awaited<ReturnType<typeof startOidcProvider>>;
let oidcSecretDir: string;
const installed: string[] = [];

async function call(method: string, url: string, body?: unknown, token = adminToken, allowed?: string): Promise<any> {
  const res = await fetch(`${tomo.url}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  answers.push({ where: `${method} ${url} → ${res.status}`, text, allowed });
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

async function tool(mcp: Client, name: string, args: Record<string, unknown>): Promise<ReturnType<typeof resultText>> {
  const result = resultText(await mcp.callTool({ name, arguments: args }));
  answers.push({ where: `MCP ${name}`, text: JSON.stringify(result) });
  return result;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

beforeAll(async () => {
  assertBuilt();
  const { ssh } = testbed();
  secrets.set('admin password', ADMIN.password);
  secrets.set('user password', USER.password);
  secrets.set('user new password', NEW_USER_PASSWORD);
  secrets.set('SSH password', ssh.password);
  secrets.set('SSH private key', fs.readFileSync(ssh.keys.ed25519Encrypted, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'))[1]);
  secrets.set('SSH key passphrase', ssh.keys.ed25519EncryptedPassphrase);
  secrets.set('sudo password', SUDO_PASSWORD);
  secrets.set('given app secret', GIVEN_APP_SECRET);
  secrets.set('backup password', BACKUP_PASSWORD);
  secrets.set('OIDC client secret', OIDC_CLIENT_SECRET);

  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-secrets-'));
  const config = path.join(dataDir, 'config.yaml');
  oidcSecretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-secrets-oidc-'));
  const secretFile = path.join(oidcSecretDir, 'client-secret');
  fs.writeFileSync(secretFile, `${OIDC_CLIENT_SECRET}\n`, { mode: 0o600 });
  const providerPort = await freePort();
  const oidcConfig = `auth:\n  oidc:\n    - id: idp\n      displayName: Sweep IdP\n      issuer: http://127.0.0.1:${providerPort}\n      clientId: tomo\n      clientSecretFile: ${secretFile}\n      allowSignup: true\n`;
  fs.writeFileSync(config, `log:\n  level: debug\nmonitoring:\n  intervalSeconds: 1\napps:\n  dataRoot: ${path.join(dataDir, 'apps')}\n  stopTimeoutSeconds: 1\nbackup:\n  scryptWorkFactor: 10\n${oidcConfig}`);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config, TOMO_CATALOG_DIRS: TEST_CATALOG };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  tomo = await serveTomo(env);
  oidcProvider = await startOidcProvider({
    port: providerPort,
    clientId: 'tomo',
    clientSecret: OIDC_CLIENT_SECRET,
    redirectUris: [`${tomo.url}/api/auth/oidc/idp/callback`],
    accounts: { sso: { email: 'sso@example.com', email_verified: true, preferred_username: 'sso' } },
  });
});

afterAll(async () => {
  for (const id of installed) await call('DELETE', `/api/apps/installations/${id}?deleteData=true`).catch(() => undefined);
  await tomo?.stop();
  await oidcProvider?.stop();
  if (oidcSecretDir) fs.rmSync(oidcSecretDir, { recursive: true, force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('every flow that handles a secret, then a sweep of everything Tomo said and wrote: no secret anywhere', async () => {
  const { ssh } = testbed();
  const login = await call('POST', '/api/auth/login', ADMIN, '');
  adminToken = login.body.token;
  secrets.set('admin session token', adminToken);
  answers[answers.length - 1].allowed = 'admin session token';
  // A failed login, users, a password change, API tokens.
  expect((await call('POST', '/api/auth/login', { username: ADMIN.username, password: `${ADMIN.password}-wrong` }, '')).status).toBe(401);
  secrets.set('wrong password', `${ADMIN.password}-wrong`);
  expect((await call('POST', '/api/users', { ...USER, email: 'c@example.com', role: 'user' })).status).toBe(201);
  const carol = await call('POST', '/api/auth/login', USER, '', 'user session token');
  secrets.set('user session token', carol.body.token);
  expect((await call('POST', '/api/auth/me/password', { currentPassword: USER.password, newPassword: NEW_USER_PASSWORD }, carol.body.token)).status).toBeLessThan(300);
  // Two-factor: Carol enrols TOTP (the secret may be in the enrolment's answer only, the recovery
  // codes in the confirmation's), signs in with a recovery code over HTTP and MCP, makes new codes.
  const enrol = await call('POST', '/api/auth/2fa/totp', undefined, carol.body.token, 'TOTP secret');
  secrets.set('TOTP secret', enrol.body.secret);
  const confirmed = await call('POST', '/api/auth/2fa/totp/confirm', { code: await freshCode(enrol.body.secret) }, carol.body.token, 'recovery code');
  const addCodes = (family: string, codes: string[]) =>
    codes.forEach((code, i) => {
      secrets.set(`${family} ${i + 1}`, code);
      secrets.set(`${family} ${i + 1} without dashes`, code.replace(/-/g, ''));
    });
  addCodes('recovery code', confirmed.body.recoveryCodes);
  const carolAgain = { username: USER.username, password: NEW_USER_PASSWORD };
  const challenged = await call('POST', '/api/auth/login', carolAgain, '');
  expect(challenged.body.error.code).toBe('second_factor_required');
  const second = await call('POST', '/api/auth/login/second-factor', { challenge: challenged.body.challenge, code: confirmed.body.recoveryCodes[0] }, '', 'user second-factor session token');
  expect(second.status).toBe(200);
  secrets.set('user second-factor session token', second.body.token);
  const carolMcp = await connectMcp(tomo.url);
  try {
    expect((await tool(carolMcp, 'login', { ...carolAgain, totp: confirmed.body.recoveryCodes[1] })).isError).toBe(false);
    expect((await tool(carolMcp, 'login', { ...carolAgain, totp: confirmed.body.recoveryCodes[1] })).error.code).toBe('invalid_second_factor');
  } finally {
    await carolMcp.close();
  }
  const regenerated = await call('POST', '/api/auth/2fa/recovery-codes', { code: confirmed.body.recoveryCodes[2] }, second.body.token, 'new recovery code');
  expect(regenerated.status).toBe(200);
  addCodes('new recovery code', regenerated.body.recoveryCodes);
  expect((await call('GET', '/api/auth/me', undefined, second.body.token)).body.factors).toMatchObject({ totp: true, recoveryCodesLeft: 10 });

  const apiToken = await call('POST', '/api/auth/tokens', { name: 'sweep' }, adminToken, 'API token');
  expect(apiToken.status).toBe(201);
  secrets.set('API token', apiToken.body.token);
  expect((await call('GET', '/api/auth/tokens', undefined, apiToken.body.token)).status).toBe(200);

  // Single sign-on: the client secret goes to the provider's token endpoint only. Every answer of Tomo's on
  // the way (redirects, the callback) is kept; the callback may carry the session it issues, nothing else.
  await call('GET', '/api/auth/oidc/providers', undefined, '');
  const sso = await signInThroughProvider(tomo.url, '/api/auth/oidc/idp/start', 'sso');
  expect(sso.final.location).toBe('/');
  const ssoSession = sso.tomoCookies.get('tomo_session')!;
  expect(ssoSession).toEqual(expect.any(String));
  secrets.set('SSO session token', ssoSession);
  const tomoHops = (hops: typeof sso.hops) => hops.filter((h) => h.url.startsWith(tomo.url));
  for (const hop of tomoHops(sso.hops)) answers.push({ where: `SSO ${hop.url} → ${hop.status}`, text: [hop.location, ...hop.setCookies, hop.body].join('\n'), allowed: hop.url.includes('/callback') ? 'SSO session token' : undefined });
  const ssoHeaders = { cookie: `tomo_session=${ssoSession}`, 'x-requested-with': 'tomo-console' };
  const identities = await fetch(`${tomo.url}/api/auth/oidc/identities`, { headers: ssoHeaders });
  expect(identities.status).toBe(200);
  answers.push({ where: 'GET /api/auth/oidc/identities (SSO session)', text: await identities.text() });
  // Refused (an account the provider does not know): the refusal's log line names the reason, not the secret.
  const refused = await signInThroughProvider(tomo.url, '/api/auth/oidc/idp/start', 'nobody');
  expect(refused.final.location).toBe('/login?oidcError=provider_error');
  for (const hop of tomoHops(refused.hops)) answers.push({ where: `SSO refused ${hop.url} → ${hop.status}`, text: [hop.location, ...hop.setCookies, hop.body].join('\n') });

  // Servers: a password one (prepared, two apps) and an encrypted-key one; a preparation with a sudo password.
  const byPassword = await call('POST', '/api/servers', { name: 'pw-box', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
  expect(byPassword.status).toBe(201);
  const byKey = await call('POST', '/api/servers', {
    name: 'key-box', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'key',
    credentials: { privateKey: fs.readFileSync(ssh.keys.ed25519Encrypted, 'utf8'), passphrase: ssh.keys.ed25519EncryptedPassphrase },
  });
  expect(byKey.status).toBe(201);
  expect((await call('POST', `/api/servers/${byKey.body.id}/test`)).body.ok).toBe(true);
  expect((await call('PATCH', `/api/servers/${byKey.body.id}`, { credentials: { privateKey: fs.readFileSync(ssh.keys.ed25519Encrypted, 'utf8'), passphrase: ssh.keys.ed25519EncryptedPassphrase } })).status).toBe(200);
  expect((await call('POST', `/api/servers/${byKey.body.id}/preparation`, { sudoPassword: SUDO_PASSWORD })).status).toBe(202);
  for (let i = 0; i < 120 && ['running', 'pending'].includes((await call('GET', `/api/servers/${byKey.body.id}/preparation`)).body.status); i++) await new Promise((r) => setTimeout(r, 500));
  await call('GET', `/api/servers/${byKey.body.id}/preparation/log`);
  await markPreparedInDatabase(path.join(dataDir, 'tomo.db'), byPassword.body.id);
  for (const settings of [{ APP_SECRET: GIVEN_APP_SECRET }, {}]) {
    const res = await call('POST', `/api/servers/${byPassword.body.id}/apps`, { appId: 'web-hello', ports: { '80/tcp': await freePort() }, settings });
    expect(res.status).toBe(202);
    installed.push(res.body.installation.id);
    let state = 'installing';
    for (let i = 0; i < 240 && state === 'installing'; i++) {
      state = (await call('GET', `/api/apps/installations/${res.body.installation.id}`)).body.installation.state;
      if (state === 'installing') await new Promise((r) => setTimeout(r, 250));
    }
    expect(state).toBe('running');
  }
  // The generated secret is known only to Docker (and the vault): read it back from the container.
  const generatedApp = (await call('GET', `/api/apps/installations/${installed[1]}`)).body.installation;
  const env = (await localDocker().getContainer(generatedApp.containerName).inspect()).Config.Env as string[];
  const generated = env.find((e) => e.startsWith('APP_SECRET='))!.slice('APP_SECRET='.length);
  expect(generated.length).toBeGreaterThanOrEqual(16);
  secrets.set('generated app secret', generated);
  await call('GET', '/api/apps/installations');
  await call('GET', `/api/servers/${byPassword.body.id}/apps`);
  await call('POST', `/api/apps/installations/${installed[0]}/stop`);
  await call('POST', `/api/apps/installations/${installed[0]}/start`);

  // MCP, as an agent with the API token.
  const mcp = await connectMcp(tomo.url, apiToken.body.token);
  try {
    for (const name of ['get_current_user', 'list_servers', 'get_installed_apps', 'get_dashboard_summary', 'get_activity_logs']) await tool(mcp, name, {});
    await tool(mcp, 'get_server', { server_id: byKey.body.id });
    await tool(mcp, 'add_server', { name: 'mcp-box', host: ssh.host, port: ssh.port, username: ssh.username, auth_type: 'password', credentials: { password: ssh.password } });
    await tool(mcp, 'get_app_metrics', { installation_id: installed[0] });
    await tool(mcp, 'get_preparation_log', { server_id: byKey.body.id });
  } finally {
    await mcp.close();
  }

  // Notification channels (admin), one of each type with a secret, each sent a test: the receivers
  // refuse and echo what they got (URL and headers), the SMTP relay refuses the password.
  for (const [name, value] of Object.entries(CHANNEL_SECRETS)) secrets.set(name, value);
  const echo = await HttpReceiver.start((req) => ({ status: 401, body: JSON.stringify({ error: 'refused', url: req.url, headers: req.headers }) }));
  const smtp = await SmtpReceiver.start({ username: 'mailer', password: 'the-relay-wants-another-password' });
  try {
    const channels: Array<[string, Record<string, unknown>]> = [
      ['ntfy', { serverUrl: echo.url, topic: 'sweep', token: CHANNEL_SECRETS['ntfy token'] }],
      ['gotify', { serverUrl: echo.url, appToken: CHANNEL_SECRETS['Gotify app token'] }],
      ['discord', { webhookUrl: `${echo.url}/api/webhooks/1234/${CHANNEL_SECRETS['Discord webhook token']}` }],
      ['slack', { webhookUrl: `${echo.url}/services/T1/B1/${CHANNEL_SECRETS['Slack webhook secret']}` }],
      ['webhook', { url: `${echo.url}/in?token=${CHANNEL_SECRETS['webhook URL token']}`, secret: CHANNEL_SECRETS['webhook signing secret'] }],
      ['email', { host: '127.0.0.1', port: smtp.port, from: 'tomo@example.com', to: ['me@example.com'], username: 'mailer', password: CHANNEL_SECRETS['SMTP password'], caCertificate: smtp.certificate }],
    ];
    const channelIds: string[] = [];
    for (const [type, config] of channels) {
      const res = await call('POST', '/api/alerts/channels', { name: `sweep ${type}`, type, config });
      expect(res.status).toBe(201);
      channelIds.push(res.body.channel.id);
    }
    const generated = await call('POST', '/api/alerts/channels', { name: 'sweep generated', type: 'webhook', config: { url: `${echo.url}/generated` } }, adminToken, 'generated signing secret');
    secrets.set('generated signing secret', generated.body.signingSecret);
    channelIds.push(generated.body.channel.id);
    for (const id of channelIds) expect((await call('POST', `/api/alerts/channels/${id}/test`)).status).toBe(202);
    for (const id of channelIds) {
      for (let i = 0; i < 100 && (await call('GET', `/api/alerts/channels/${id}/deliveries`)).body.deliveries.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    }
    await call('GET', '/api/alerts/channels');
    expect(echo.requests.length).toBeGreaterThanOrEqual(6);
    expect(smtp.logins.some((l) => !l.ok)).toBe(true);
    await call('DELETE', `/api/alerts/channels/${channelIds[0]}`);
  } finally {
    await echo.stop();
    await smtp.stop();
  }

  // A backup, exported and imported back (overwrite) through HTTP.
  const exported = await fetch(`${tomo.url}/api/backup/export`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ password: BACKUP_PASSWORD, includeHistory: true }) });
  expect(exported.status).toBe(200);
  const file = Buffer.from(await exported.arrayBuffer());
  const upload = await fetch(`${tomo.url}/api/backup/uploads`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/octet-stream' }, body: file });
  const { id } = (await upload.json()) as { id: string };
  expect((await call('POST', `/api/backup/uploads/${id}/preview`, { password: BACKUP_PASSWORD, onConflict: 'overwrite' })).status).toBe(200);
  expect((await call('POST', `/api/backup/uploads/${id}/apply`, { password: `${BACKUP_PASSWORD}-wrong` })).status).toBe(400);
  expect((await call('POST', `/api/backup/uploads/${id}/apply`, { password: BACKUP_PASSWORD, onConflict: 'overwrite' })).status).toBe(200);
  // The backup file itself is encrypted: no secret in its bytes either.
  answers.push({ where: 'the backup file', text: file.toString('latin1') });

  // What a user reads afterwards: logs, metrics, servers, users.
  for (const url of ['/api/activity?pageSize=200', '/api/servers', '/api/users', '/api/metrics/servers', '/api/metrics/summary', '/api/plugins', '/api/status']) await call('GET', url);
  await new Promise((r) => setTimeout(r, 1500)); // a poll or two with the key, written to the log

  // The sweep.
  const hits: string[] = [];
  const allowedIn = (a: { allowed?: string }, name: string) => a.allowed !== undefined && (name === a.allowed || name.startsWith(`${a.allowed} `));
  for (const a of answers) for (const [name, value] of secrets) if (!allowedIn(a, name) && a.text.includes(value)) hits.push(`${name} in ${a.where}`);
  for (const f of filesUnder(dataDir)) {
    const bytes = fs.readFileSync(f);
    for (const [name, value] of secrets) if (bytes.includes(Buffer.from(value))) hits.push(`${name} in ${path.relative(dataDir, f)}`);
  }
  expect(hits).toEqual([]);
  // It looked at what it should: answers, the log (debug level), the database and its WAL.
  expect(answers.length).toBeGreaterThan(40);
  const files = filesUnder(dataDir).map((f) => path.relative(dataDir, f));
  expect(files).toEqual(expect.arrayContaining(['tomo.db', path.join('logs', 'tomo.log')]));
  expect(fs.statSync(path.join(dataDir, 'logs', 'tomo.log')).size).toBeGreaterThan(10000);
  // (+ 8: seven channel secrets and a generated signing secret; + 2: the OIDC client secret and the SSO session)
  expect(secrets.size).toBeGreaterThanOrEqual(14 + 2 + 40 + 8 + 2);
  expect(answers.some((a) => a.where.startsWith('SSO ') && a.where.includes('/callback'))).toBe(true);
});
