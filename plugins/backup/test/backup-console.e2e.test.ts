/**
 * Settings → Backup in Chromium against the built Tomo (`tomo serve`): on one Tomo, a user is
 * created, then the page exports a backup (the browser's download is captured); on a second,
 * fresh Tomo, the page imports that file (upload, check, summary with the conflict, confirmed
 * apply, advice to restart). The user then exists there and signs in with their password. A
 * low scrypt cost (backup.scryptWorkFactor) keeps it quick.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { signInAt, watchErrors } from '../../auth/test/support/console-e2e';
import { tempDir } from './support/backup-kernel';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { docsScreenshot } = require('../../../scripts/testbed/docs-screenshot.js') as { docsScreenshot(page: Page, name: string): Promise<void> };
jest.setTimeout(90000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
const CAROL = { username: 'carol', email: 'carol@example.com', password: 'carol-password-5678', role: 'user' };
const BACKUP_PASSWORD = 'console-backup-pass-42';

let work: string;
let config: string;
let browser: Browser;
let source: string;
let target: string;
const servers: Awaited<ReturnType<typeof serveTomo>>[] = [];

/** A Tomo with only its admin, on its own data folder. */
async function startTomo(name: string): Promise<string> {
  const env = { TOMO_DATA_DIR: path.join(work, name), TOMO_CONFIG: config };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'admin@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  const server = await serveTomo(env);
  servers.push(server);
  return server.url;
}

async function token(url: string, who: { username: string; password: string }): Promise<string | undefined> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: who.username, password: who.password }) });
  return res.ok ? ((await res.json()) as { token: string }).token : undefined;
}

async function usernames(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/users`, { headers: { authorization: `Bearer ${await token(url, ADMIN)}` } });
  return ((await res.json()) as { users: { username: string }[] }).users.map((u) => u.username).sort();
}

/** A fresh browser context (its own cookies and downloads) signed in as the admin at `url`. */
async function signedIn(url: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  watchErrors(page, errors);
  await signInAt(page, url, ADMIN);
  return page;
}

beforeAll(async () => {
  assertBuilt();
  if (!fs.existsSync(path.resolve(__dirname, '../dist/ui/index.js'))) throw new Error('plugins/backup/dist/ui is missing: run `npm run build:ui -w plugins/backup`');
  work = tempDir('tomo-backup-ui-');
  config = path.join(work, 'config.yaml');
  fs.writeFileSync(config, 'backup:\n  scryptWorkFactor: 10\n');
  const chromium = launchChromium();
  [source, target] = await Promise.all([startTomo('source'), startTomo('target')]);
  browser = await chromium;
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('export from the page on one Tomo, import it from the page on a fresh one: the user created before the export is there', async () => {
  const errors: string[] = [];

  // The source: a user made through the API, then the backup downloaded from the page.
  const created = await fetch(`${source}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token(source, ADMIN)}`, 'content-type': 'application/json' },
    body: JSON.stringify(CAROL),
  });
  expect(created.status).toBe(201);
  const exporting = await signedIn(`${source}/backup`, errors);
  await exporting.getByRole('heading', { name: 'Backup', level: 1 }).waitFor();
  await exporting.getByRole('link', { name: 'Backup' }).waitFor();
  await exporting.getByTestId('export-password').fill(BACKUP_PASSWORD);
  await exporting.getByTestId('export-password-repeat').fill(BACKUP_PASSWORD);
  const [download] = await Promise.all([exporting.waitForEvent('download'), exporting.getByTestId('export-submit').click()]);
  expect(download.suggestedFilename()).toMatch(/^tomo-backup-[\d-]+\.enc$/);
  const file = path.join(work, download.suggestedFilename());
  await download.saveAs(file);
  expect(fs.readFileSync(file).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
  await exporting.getByTestId('export-done').waitFor();
  expect(await exporting.getByTestId('export-password').inputValue()).toBe('');
  expect(await exporting.getByTestId('export-password-repeat').inputValue()).toBe('');

  // The target: a fresh Tomo with only its own admin; the file goes in through the page.
  expect(await usernames(target)).toEqual(['admin']);
  const importing = await signedIn(`${target}/backup`, errors);
  await importing.getByTestId('import-file').setInputFiles(file);
  await importing.getByTestId('import-password').fill(BACKUP_PASSWORD);
  await importing.getByTestId('import-check').click();
  const users = importing.getByTestId('import-table-auth_users');
  await users.waitFor();
  expect(await users.locator('[data-field="added"]').innerText()).toBe('1');
  expect(await users.locator('[data-field="skipped"]').innerText()).toBe('1');
  expect(await importing.getByTestId('import-conflict').allInnerTexts()).toEqual(['user admin — kept as it is here']);
  await docsScreenshot(importing, 'backup-import-preview');
  expect(await usernames(target)).toEqual(['admin']);

  await importing.getByTestId('import-apply').click();
  const confirm = importing.getByRole('dialog', { name: 'Import this backup?' });
  await confirm.getByRole('button', { name: 'Import' }).click();
  await importing.getByTestId('import-result').waitFor();
  expect(await importing.getByTestId('import-advice').innerText()).toContain('Restart Tomo');
  expect(await importing.getByTestId('import-summary').getAttribute('data-applied')).toBe('true');

  // Carol came across with her password.
  expect(await usernames(target)).toEqual(['admin', 'carol']);
  expect(await token(target, CAROL)).toEqual(expect.any(String));
  expect(errors).toEqual([]);
});
