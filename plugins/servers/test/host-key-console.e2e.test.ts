/**
 * Issue 16, finding 4, in a real browser against the built Tomo: a server whose sshd's host key is
 * swapped shows the "Host key changed" warning; once the original key is back, the next
 * connection test drops the changed key, and the page shows Online without the warning (it showed
 * both at once before). The Activity page tells the story in sentences, fingerprints in the detail.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { signInAt, watchErrors } from '../../auth/test/support/console-e2e';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { startOwnSshd, type OwnSshd } from './support/own-sshd';
import { passwordServerAt } from './support/ssh-helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

jest.setTimeout(120000);

const ROOT = path.resolve(__dirname, '../../..');
const ADMIN = { username: 'keykeeper', password: 'e2e-admin-password-7' };

let dataDir: string;
let tomo: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let sshd: OwnSshd;

beforeAll(async () => {
  assertBuilt();
  for (const file of ['ui-shell/dist/index.html', 'plugins/servers/dist/ui/index.js', 'plugins/activity/dist/ui/index.js']) {
    if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` before this test`);
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-e2e-hostkey-'));
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'keys@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, ADMIN.password).status).toBe(0);
  [tomo, browser, sshd] = await Promise.all([serveTomo({ TOMO_DATA_DIR: dataDir }), launchChromium(), startOwnSshd()]);
});

afterAll(async () => {
  await browser?.close();
  await tomo?.stop();
  await sshd?.cleanup();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('swapped and restored host key: the warning shows, then goes, and the server page says Online', async () => {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const errors = watchErrors(page);
  await signInAt(page, `${tomo.url}/servers`, ADMIN);
  await page.getByRole('heading', { name: 'Servers', level: 1 }).waitFor();

  // Added and first contacted through the API with the console's session (the page's own cookie).
  const api = { 'x-requested-with': 'tomo-console' };
  const added = await page.request.post(`${tomo.url}/api/servers`, { headers: api, data: passwordServerAt('keyswap', sshd.port) });
  expect(added.status()).toBe(201);
  const id = ((await added.json()) as { id: string }).id;
  expect(((await (await page.request.post(`${tomo.url}/api/servers/${id}/test`, { headers: api })).json()) as { ok: boolean }).ok).toBe(true);
  const original = sshd.fingerprint();

  await sshd.restartWithNewKey();
  const swapped = sshd.fingerprint();
  await page.goto(`${tomo.url}/servers/${id}`);
  const status = page.locator('.servers-detail__title .servers-status');
  const testButton = page.getByRole('button', { name: 'Test connection' });
  await testButton.click();
  const warning = page.locator('[data-host-key-changed]');
  await warning.waitFor();
  expect(await warning.locator('[data-key="trusted"]').textContent()).toBe(original);
  expect(await warning.locator('[data-key="pending"]').textContent()).toBe(swapped);
  expect((await status.textContent())?.trim()).toBe('Error');

  // The original key is back: the next test drops the changed one.
  await sshd.restartWithPreviousKey();
  await testButton.click();
  await warning.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelector('.servers-detail__title .servers-status')?.textContent?.trim() === 'Online');
  expect(await page.locator('main').textContent()).not.toContain('Tomo does not connect to it');
  // A reload shows the same: the record itself has no pending key.
  await page.reload();
  await status.waitFor();
  expect((await status.textContent())?.trim()).toBe('Online');
  expect(await warning.count()).toBe(0);

  // The Activity page, filtered to the server: sentences, the fingerprints in the details.
  await page.goto(`${tomo.url}/activity?serverId=${id}`);
  const rows = page.getByTestId('log-table').locator('tbody tr');
  await rows.first().waitFor();
  const summaries = await page.locator('[data-field="summary"]').allTextContents();
  expect(summaries).toEqual(
    expect.arrayContaining([
      'Server keyswap presented its trusted host key again, and the changed key was dropped',
      expect.stringMatching(/^(keykeeper|Tomo) found a changed host key on server keyswap$/),
      'keykeeper trusted the host key of server keyswap on first contact',
    ]),
  );
  const details = (await page.locator('[data-field="detail"]').allTextContents()).join('\n');
  expect(details).toContain(`the trusted key ${original} is presented again; the changed key ${swapped} was dropped, not accepted`);
  expect(details).toContain(`presented ${swapped} (ssh-ed25519) instead of the trusted ${original}`);
  expect(errors).toEqual([]);
});
