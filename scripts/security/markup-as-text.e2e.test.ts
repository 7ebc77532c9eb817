/**
 * Issue 10, "Console": names holding markup render as text everywhere, in Chromium, against the
 * built Tomo. Markup goes in through every door that takes it (server names refuse it at the
 * door: shell metacharacters are not allowed): an API token's name, an app's settings, an app
 * definition from a catalog folder, and a failed login's username (an unauthenticated visitor's
 * text that ends up in the admin's activity log).
 * Each page that shows them is opened; the text must be there literally, no element may have
 * been made of it, and no injected script may have run. The console's headers are checked too:
 * a CSP without inline script or eval, no framing, nosniff, no referrer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from '../../plugins/auth/test/support/tomo-cli';
import { markPreparedInDatabase, TEST_CATALOG, testbed } from '../../plugins/apps/test/support/apps-kernel';
import { freePort } from '../../test-support/ports';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../testbed/chromium.js') as { launchChromium(): Promise<Browser> };
jest.setTimeout(180000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
/** Each would run script or load something if it became markup; `window.__xss` counts runs. */
const PAYLOADS = {
  token: '<script>window.__xss=(window.__xss||0)+1</script>',
  setting: '"><svg onload="window.__xss=(window.__xss||0)+1">',
  app: '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  login: '<b onmouseover="window.__xss=1">evil</b>',
};
/** Elements none of the pages has of its own, that the payloads would create. */
const INJECTED = 'svg[onload], iframe[srcdoc], script:not([src]):not([type="importmap"]), b[onmouseover]';

let dataDir: string;
let catalogDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let token: string;
let serverId: string;
let installationId: string;

async function call(method: string, url: string, body?: unknown, auth = token): Promise<any> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-markup-'));
  catalogDir = path.join(dataDir, 'catalog');
  fs.mkdirSync(catalogDir);
  // A folder catalog whose app name and description are markup (the catalog is an admin's input).
  fs.writeFileSync(
    path.join(catalogDir, 'markup-app.yaml'),
    `id: markup-app\nname: '${PAYLOADS.app.replace(/'/g, "''")}'\ndescription: '${PAYLOADS.app.replace(/'/g, "''")} description'\ncategory: testing\nimage: tomo-test/httpd:1\nports:\n  - container: 80\n    host: 18081\n`,
  );
  const config = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(config, `monitoring:\n  intervalSeconds: 2\napps:\n  dataRoot: ${path.join(dataDir, 'apps')}\n  stopTimeoutSeconds: 1\n`);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config, TOMO_CATALOG_DIRS: [TEST_CATALOG, catalogDir].join(path.delimiter) };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  const launching = launchChromium();
  token = (await call('POST', '/api/auth/login', ADMIN, '')).body.token;

  const { ssh } = testbed();
  const added = await call('POST', '/api/servers', { name: 'markup-box', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
  expect(added.status).toBe(201);
  serverId = added.body.id;
  await markPreparedInDatabase(path.join(dataDir, 'tomo.db'), serverId);
  expect((await call('POST', '/api/auth/tokens', { name: PAYLOADS.token })).status).toBe(201);
  expect((await call('POST', '/api/auth/login', { username: PAYLOADS.login, password: 'wrong-password-123' }, '')).status).toBe(401);
  const installed = await call('POST', `/api/servers/${serverId}/apps`, { appId: 'web-hello', ports: { '80/tcp': await freePort() }, settings: { GREETING: PAYLOADS.setting } });
  expect(installed.status).toBe(202);
  installationId = installed.body.installation.id;
  for (let i = 0; i < 240; i++) {
    const state = (await call('GET', `/api/apps/installations/${installed.body.installation.id}`)).body.installation.state;
    if (state !== 'installing') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await launching;
});

afterAll(async () => {
  await browser?.close();
  if (installationId) await call('DELETE', `/api/apps/installations/${installationId}?deleteData=true`).catch(() => undefined);
  if (serverId) await call('DELETE', `/api/servers/${serverId}`).catch(() => undefined);
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The page shows `text` literally, made no element of any payload, and ran none. */
async function expectShownAsText(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ timeout: 20000 });
  expect(await page.locator(INJECTED).count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
}

test('every page that shows a name, a setting, a catalog entry or a login attempt shows it as text', async () => {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(server.url);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // The dashboard's activity feed: the failed login and the token.
  await expectShownAsText(page, PAYLOADS.login);
  await expectShownAsText(page, PAYLOADS.token);

  await page.goto(`${server.url}/servers/${serverId}`);
  await page.getByRole('tab', { name: 'Apps' }).click();
  await expectShownAsText(page, 'Web Hello');

  await page.goto(`${server.url}/tokens`);
  await expectShownAsText(page, PAYLOADS.token);

  await page.goto(`${server.url}/apps`);
  await expectShownAsText(page, PAYLOADS.app);

  await page.goto(`${server.url}/activity`);
  await expectShownAsText(page, PAYLOADS.login);
  await expectShownAsText(page, PAYLOADS.token);

  // Whatever CSP refused would be a sign that markup turned into script somewhere.
  expect(violations).toEqual([]);
  await page.close();
});

test('the app settings, as the API gives them to the console, are the markup unchanged', async () => {
  const apps = (await call('GET', `/api/servers/${serverId}/apps`)).body.installations;
  expect(apps[0].settings.GREETING).toBe(PAYLOADS.setting);
});

test('strict security headers on the console and the API', async () => {
  // An API answer is never rendered: its policy lets it load nothing, and nothing frame it.
  const api = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(api.headers.get('x-content-type-options')).toBe('nosniff');
  for (const url of ['/', '/servers']) {
    const res = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).toMatch(/'self'/);
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:|https?:/);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  }
  // The console's only inline script is the import map, allowed by its hash.
  const html = await (await fetch(server.url)).text();
  const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
  expect(inline.every((attrs) => /type="importmap"/.test(attrs))).toBe(true);
});
