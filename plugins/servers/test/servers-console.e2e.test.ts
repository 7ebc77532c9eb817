import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTestbed } = require('../../../scripts/testbed/testbed.js') as {
  loadTestbed(): { ssh: { host: string; port: number; username: string; password: string; hostKeys: Record<string, string> } };
};

// The spec's Phase 2 definition of done, in a real browser against a real `tomo serve` (built
// kernel, auth and servers plugins, and console): add the test bed's sshd with a password, test
// it, see it online in the list and on its page, delete it. The browser console stays clean, and
// the password never shows up in the page.
jest.setTimeout(120000);

const ROOT = path.resolve(__dirname, '../../..');
const ADMIN = { username: 'homelab', password: 'e2e-admin-password-2' };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { docsScreenshot } = require('../../../scripts/testbed/docs-screenshot.js') as { docsScreenshot(page: Page, name: string): Promise<void> };
const SCREENSHOTS = { list: '/tmp/tomo-e2e-servers-list.png', detail: '/tmp/tomo-e2e-server-detail.png' };

let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  for (const file of ['ui-shell/dist/index.html', 'plugins/servers/dist/plugin.js', 'plugins/servers/dist/ui/index.js']) {
    if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` before this test`);
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-e2e-servers-'));
  const created = runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'me@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, ADMIN.password);
  expect(created.status).toBe(0);
  server = await serveTomo({ TOMO_DATA_DIR: dataDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Collects what would show up red in the browser console (CSP violations, module errors). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    // Expected 401s from the boot-time session check are network noise, not page errors.
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) errors.push(msg.text());
  });
  return errors;
}

/** `SHA256:…` of an OpenSSH public key file, as `ssh-keygen -lf` prints it. */
function fingerprintOf(pubFile: string): string {
  const blob = Buffer.from(fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/)[1], 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

test('Phase 2 definition of done: add a server, test it, see it online, delete it', async () => {
  const { ssh } = loadTestbed();
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  const errors = watchErrors(page);

  await page.goto(`${server.url}/servers`);
  await page.waitForURL(/\/login\?redirect=(%2F|\/)servers/);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/servers`);

  // The sidebar entry comes from the servers plugin's manifest; the list starts empty.
  await page.getByRole('link', { name: 'Servers' }).waitFor();
  await page.getByRole('heading', { name: 'Servers', level: 1 }).waitFor();
  await page.getByText('No servers yet').waitFor();

  // Add the test bed's sshd: validation first, then the real thing.
  await page.getByRole('button', { name: 'Add server' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add server' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Add server' }).click();
  await dialog.getByText('Enter a host name or IP address').waitFor();
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('testbed');
  await dialog.getByLabel('Host').fill(ssh.host);
  await dialog.getByLabel('Port').fill(String(ssh.port));
  await dialog.getByLabel('Username').fill(ssh.username);
  await dialog.getByRole('textbox', { name: 'Password', exact: true }).fill(ssh.password);
  await dialog.getByRole('button', { name: 'Add server' }).click();
  await dialog.waitFor({ state: 'detached' });

  const row = page.locator('tr[data-server="testbed"]');
  await row.waitFor();
  expect(await row.locator('.servers-status').textContent()).toContain('Unknown');
  expect(await row.locator('td').nth(2).textContent()).toBe(`${ssh.host}:${ssh.port}`);
  expect(await row.locator('td').nth(3).textContent()).toBe(ssh.username);
  // Credentials are write-only: the password is nowhere in the page once saved.
  expect(await page.content()).not.toContain(ssh.password);

  // Test: the real SSH round trip, then latency + OS, and the host key to compare.
  await row.getByRole('button', { name: 'Test the connection to testbed' }).click();
  const note = page.locator('tr[data-note-for="testbed"]');
  const ok = note.locator('[data-test-result="ok"]');
  await ok.waitFor({ timeout: 45000 });
  expect(await ok.textContent()).toMatch(/Connected in \d+(\.\d)? m?s, command \d+(\.\d)? m?s/);
  const hostKeyNote = note.locator('[data-host-key-first-seen]');
  const shownFingerprint = (await hostKeyNote.locator('.servers-fingerprint').textContent())?.trim();
  expect(Object.values(ssh.hostKeys).map((key) => fingerprintOf(`${key}.pub`))).toContain(shownFingerprint);
  expect(await hostKeyNote.textContent()).toMatch(/Compare with ssh-keygen -lf \/etc\/ssh\/ssh_host_(ed25519|rsa|ecdsa)_key\.pub on the server/);
  await row.locator('.servers-status', { hasText: 'Online' }).waitFor();
  const osCell = (await row.locator('td').nth(4).textContent())?.trim();
  expect(osCell).toBeTruthy();
  expect(osCell).not.toBe('—');
  expect(await row.locator('td').nth(5).textContent()).toBe('just now');
  await page.screenshot({ path: SCREENSHOTS.list, fullPage: true });
  await docsScreenshot(page, 'servers-list');

  // The status is the server's, not just this page's: a fresh load still shows it online.
  await page.reload();
  await page.locator('tr[data-server="testbed"] .servers-status', { hasText: 'Online' }).waitFor();

  // The server's page: header, facts from the test, the trusted host key.
  await page.locator('tr[data-server="testbed"]').getByRole('link', { name: 'testbed' }).click();
  await page.waitForURL(/\/servers\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'testbed', level: 1 }).waitFor();
  await page.getByRole('tab', { name: 'Overview' }).waitFor();
  expect(await page.locator('.servers-detail__title .servers-status').textContent()).toContain('Online');
  expect(await page.locator('.page__lead').textContent()).toBe(`${ssh.username}@${ssh.host}:${ssh.port}`);
  expect((await page.locator('[data-fact="Operating system"]').textContent())?.trim()).toBe(osCell);
  expect(await page.locator('[data-fact="CPUs"]').textContent()).toMatch(/^\d+$/);
  expect(await page.locator('[data-fact="Memory"]').textContent()).toMatch(/\d (MiB|GiB|TiB)$/);
  expect(await page.locator('[data-fact="Host key"]').textContent()).toContain(shownFingerprint);
  expect(await page.title()).toBe('testbed · Tomo');
  expect(await page.content()).not.toContain(ssh.password);
  await page.screenshot({ path: SCREENSHOTS.detail, fullPage: true });
  await docsScreenshot(page, 'server-detail');

  // Delete from the list, after a confirmation naming it.
  await page.getByRole('link', { name: '← Servers' }).click();
  await page.waitForURL(`${server.url}/servers`);
  await page.getByRole('button', { name: 'Delete testbed' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete testbed?' });
  await confirm.getByText('The machine itself is not touched').waitFor();
  await confirm.getByRole('button', { name: 'Delete server' }).click();
  await page.getByText('No servers yet').waitFor();
  expect(await page.locator('tr[data-server="testbed"]').count()).toBe(0);

  // And the server agrees.
  const listed = await page.evaluate(async () => {
    const res = await fetch('/api/servers', { headers: { 'X-Requested-With': 'tomo-console' } });
    return (await res.json()) as { servers: unknown[] };
  });
  expect(listed.servers).toEqual([]);

  expect(errors).toEqual([]);
  await page.close();
});
