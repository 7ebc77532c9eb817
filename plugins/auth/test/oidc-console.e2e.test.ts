import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { freePort } from '../../../test-support/ports';
import { watchErrors } from './support/console-e2e';
import { startOidcProvider } from './support/oidc-provider';
import { assertBuilt, runTomo, serveTomo } from './support/tomo-cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

// Issue 20, single sign-on in the console: Chromium on the login page of a built `tomo serve`
// clicks "Log in with Test IdP", signs in on the real OpenID provider's own pages (oidc-provider,
// oidc-test-provider.mjs), and lands in the console as the user that first login created; the
// Account page lists the linked identity. A sign-in the provider refuses comes back to the login
// page with a sentence, and no session.
jest.setTimeout(60000);

const ADMIN = { username: 'homelab', password: 'e2e-admin-password-1' };
const CLIENT_SECRET = 'oidc-console-e2e-client-secret-7d1f';
const SECRET_ENV = 'TOMO_E2E_OIDC_CLIENT_SECRET';
const accounts = { grace: { email: 'grace@example.com', email_verified: true, preferred_username: 'grace', groups: ['staff'] } };

let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  assertBuilt();
  if (!fs.existsSync(path.resolve(__dirname, '../../../ui-shell/dist/index.html'))) throw new Error('ui-shell/dist is missing: run `npm run build`');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-oidc-e2e-'));
  // The provider's issuer URL goes into Tomo's config, and Tomo's callback into the provider's client: the
  // provider's port is chosen first, Tomo's is the one it bound, then the provider starts.
  const providerPort = await freePort();
  const config = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(
    config,
    [
      'auth:',
      '  oidc:',
      '    - id: idp',
      '      displayName: Test IdP',
      `      issuer: http://127.0.0.1:${providerPort}`,
      '      clientId: tomo',
      `      clientSecretEnv: ${SECRET_ENV}`,
      '      scopes: [openid, email, profile, groups]',
      '      allowSignup: true',
      '',
    ].join('\n'),
  );
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config, [SECRET_ENV]: CLIENT_SECRET };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'me@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  provider = await startOidcProvider({ port: providerPort, clientId: 'tomo', clientSecret: CLIENT_SECRET, redirectUris: [`${server.url}/api/auth/oidc/idp/callback`], accounts });
  browser = await launchChromium();
  context = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('log in with the provider from the login page, land in the console as the new user, see the identity on the Account page', async () => {
  const page = await context.newPage();
  const errors = watchErrors(page);

  await page.goto(`${server.url}/login`);
  const button = page.getByRole('link', { name: 'Log in with Test IdP' });
  await button.click();
  // The provider's own interaction page (its origin, not Tomo's): the account to sign in as.
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
  await page.getByLabel('Account').fill('grace');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`${server.url}/`);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/auth/me', { headers: { 'x-requested-with': 'tomo-console' } })).json());
  expect(me).toMatchObject({ username: 'grace', email: 'grace@example.com', role: 'user' });
  await page.getByRole('button', { name: /grace/ }).waitFor();

  await page.goto(`${server.url}/account`);
  const linked = page.getByRole('table', { name: 'Linked sign-ins' });
  await linked.waitFor();
  const row = linked.locator('tbody tr');
  expect(await row.count()).toBe(1);
  expect(await row.first().textContent()).toContain('Test IdP');
  expect(await row.first().textContent()).toContain('grace@example.com');

  expect(errors).toEqual([]);
});

test('a sign-in the provider refuses ends on the login page with a sentence, and no session', async () => {
  // Another browser: this one has no session at the provider yet, so the provider asks who is signing in.
  const other = await browser.newContext();
  try {
    const page = await other.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: 'Log in with Test IdP' }).click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
    await page.getByLabel('Account').fill('mallory');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/login?oidcError=provider_error`);
    expect(await page.getByRole('alert').textContent()).toContain('The identity provider did not complete the sign-in');
    expect((await other.cookies(server.url)).some((c) => c.name === 'tomo_session')).toBe(false);
    expect(errors).toEqual([]);
  } finally {
    await other.close();
  }
});
