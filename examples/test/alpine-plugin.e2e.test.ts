/**
 * A third-party plugin for real: examples/tomo-plugin-alpine is built on its own, packed with
 * `npm pack`, installed from the tarball into the plugin folder of a fresh Tomo (the built one,
 * `tomo serve`), and everything it contributes is live: its catalog in `list_catalog`, its
 * preparer chosen for Alpine, its MCP tool listed and working, its route answering, its migration
 * applied, its table in a backup and restored by an import into a fresh Tomo; in Chromium its page and dashboard card render, loaded at run time while the console's
 * own build output stays untouched.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { connectMcp, resultText } from '../../plugins/auth/test/support/mcp-client';
import { assertBuilt, runTomo, serveTomo } from '../../plugins/auth/test/support/tomo-cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { docsScreenshot } = require('../../scripts/testbed/docs-screenshot.js') as { docsScreenshot(page: import('playwright-core').Page, name: string): Promise<void> };
jest.setTimeout(180000);

const EXAMPLE = path.join(__dirname, '..', 'tomo-plugin-alpine');
const CONSOLE_DIST = path.join(__dirname, '..', '..', 'ui-shell', 'dist');
const ADMIN = { username: 'admin', password: 'admin-password-1234' };
let work: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let token: string;
let consoleBefore: string;

/** A fingerprint of every file of the console's build output. */
function treeHash(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort()) {
    hash.update(entry).update(fs.readFileSync(entry));
  }
  return hash.digest('hex');
}

/** A plain-JavaScript plugin package (as a third party might drop into the folder). */
function writeBrokenPlugin(parent: string, name: string, definition: string): void {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', tomo: { plugin: name.replace('tomo-plugin-', '') } }));
  fs.writeFileSync(path.join(dir, 'index.js'), `const { definePlugin } = require('@tomo/kernel');\nmodule.exports = definePlugin(${definition});\n`);
}

/** Rows of a Tomo's database, read by a separate process (the running Tomo holds the file). */
function query(dataDir: string, sql: string): unknown {
  const out = execFileSync(process.execPath, ['-e', `const D=require('better-sqlite3');const d=new D(process.argv[1],{readonly:true});console.log(JSON.stringify(d.prepare(process.argv[2]).all()))`, path.join(dataDir, 'tomo.db'), sql], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
  return JSON.parse(out);
}

const api = async (method: string, route: string, body?: unknown) => {
  const res = await fetch(`${server.url}${route}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  assertBuilt();
  consoleBefore = treeHash(CONSOLE_DIST);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-third-party-'));
  // Built and packed on its own, as its author would before publishing.
  execFileSync('npm', ['run', 'build'], { cwd: EXAMPLE, stdio: 'pipe' });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: EXAMPLE, encoding: 'utf8' }))[0] as { filename: string; files: Array<{ path: string }> };
  expect(packed.files.map((f) => f.path)).toEqual(expect.arrayContaining(['dist/plugin.js', 'dist/ui/index.js', 'catalog/filebrowser.yaml', 'package.json']));
  // Installed from the tarball the way an admin would (peers are Tomo's own, not fetched).
  const pluginDir = path.join(work, 'plugins');
  execFileSync('npm', ['install', '--prefix', pluginDir, '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-save', path.join(work, packed.filename)], { stdio: 'pipe' });
  expect(fs.existsSync(path.join(pluginDir, 'node_modules', 'tomo-plugin-alpine', 'dist', 'plugin.js'))).toBe(true);
  // Two broken neighbours: one throws at start-up, one was built for another kernel API.
  writeBrokenPlugin(pluginDir, 'tomo-plugin-throws', `{ id: 'throws', version: '0.3.0', init() { throw new Error('cannot reach its licence server'); } }`);
  writeBrokenPlugin(pluginDir, 'tomo-plugin-future', `{ id: 'future', version: '9.0.0', apiVersion: 99 }`);

  const env = { TOMO_DATA_DIR: path.join(work, 'data'), TOMO_PLUGIN_DIRS: pluginDir };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  token = ((await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string }).token;
});

afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('it loads as an active third-party plugin, with its three modules', async () => {
  const status = await api('GET', '/api/status');
  expect(status.body.plugins).toEqual(expect.arrayContaining([
    expect.objectContaining({ id: 'alpine', version: '1.0.0', state: 'active' }),
    expect.objectContaining({ id: 'alpine-preparer', state: 'active' }),
    expect.objectContaining({ id: 'alpine-catalog', state: 'active' }),
    expect.objectContaining({ id: 'alpine-backup', state: 'active' }),
  ]));
});

test('a plugin that throws at start-up and one built for another kernel API are disabled, each with its cause; the rest runs', async () => {
  const report = (await api('GET', '/api/plugins')).body.plugins as Array<{ id: string; state: string; error?: string; builtin: boolean }>;
  const byId = new Map(report.map((p) => [p.id, p]));
  expect(byId.get('throws')).toMatchObject({ state: 'disabled', builtin: false, error: 'Plugin "throws" failed to start: cannot reach its licence server' });
  expect(byId.get('future')).toMatchObject({ state: 'disabled', builtin: false, error: expect.stringMatching(/^Plugin "future" was built for kernel API 99; this Tomo provides kernel API \d+$/) });
  for (const id of ['auth', 'servers', 'preparation', 'apps', 'alpine']) expect(byId.get(id)?.state).toBe('active');
  expect((await api('GET', '/health')).status).toBe(200);
});

test('its catalog apps appear in list_catalog; its tool is listed and works; its route answers', async () => {
  const mcp = await connectMcp(server.url, token);
  try {
    const listed = JSON.parse(resultText(await mcp.callTool({ name: 'list_catalog', arguments: { search: 'alpine' } })).text);
    expect(listed.apps.map((a: { id: string }) => a.id).sort()).toEqual(['adguard-home', 'filebrowser']);
    expect(listed.apps[0].source).toMatchObject({ id: 'plugin:alpine', kind: 'plugin' });

    const tools = (await mcp.listTools()).tools.map((tool) => tool.name);
    expect(tools).toContain('alpine_set_mirror');
    const added = await api('POST', '/api/servers', { name: 'alpine-box', host: '127.0.0.1', port: 2222, username: 'tomotest', authType: 'password', credentials: { password: 'unused-here' } });
    expect(added.status).toBe(201);
    const set = resultText(await mcp.callTool({ name: 'alpine_set_mirror', arguments: { server_id: added.body.id, url: 'https://dl-cdn.alpinelinux.org/alpine' } }));
    expect(set.isError).toBe(false);
    const bad = resultText(await mcp.callTool({ name: 'alpine_set_mirror', arguments: { server_id: added.body.id, url: 'ftp://$(id)' } }));
    expect(bad).toMatchObject({ isError: true });
    expect(bad.text).toMatch(/url/);
  } finally {
    await mcp.close();
  }
  const mirrors = await api('GET', '/api/alpine/mirrors');
  expect(mirrors.status).toBe(200);
  expect(mirrors.body.mirrors).toEqual([expect.objectContaining({ url: 'https://dl-cdn.alpinelinux.org/alpine' })]);
});

test('its preparer is the one chosen for a server reporting Alpine', async () => {
  const plan = await api('POST', '/api/preparation/plan', { id: 'alpine', versionId: '3.20.3' });
  expect(plan.status).toBe(200);
  expect(plan.body.preparer).toBe('alpine');
  expect(plan.body.steps.map((s: { id: string }) => s.id)).toEqual(['detect-os', 'update-package-index', 'install-docker', 'enable-docker', 'docker-group', 'verify-docker']);
  // The built-ins are untouched, and an Alpine release it does not know is still refused by name.
  expect((await api('POST', '/api/preparation/plan', { id: 'debian', versionId: '12' })).body.preparer).toBe('debian-family');
  expect((await api('POST', '/api/preparation/plan', { id: 'alpine', versionId: '3.10.0' })).body.error.message).toMatch(/unsupported OS alpine 3\.10\.0; supported: .*Alpine 3\.22/);
});

test('its migration ran', () => {
  expect(query(path.join(work, 'data'), "SELECT name FROM migrations WHERE name LIKE 'Alpine%'")).toEqual([{ name: 'AlpineMirrorsInitial1790000000000' }]);
});

/** `tomo export` of the instance (a low scrypt cost: tests only), returning the file and the command's output. */
function exportBackup(name: string): { file: string; stdout: string } {
  const config = path.join(work, 'backup-config.yaml');
  fs.writeFileSync(config, 'backup:\n  scryptWorkFactor: 10\n');
  fs.writeFileSync(path.join(work, 'backup-password'), 'alpine-backup-password-1\n', { mode: 0o600 });
  const file = path.join(work, name);
  const res = runTomo(['export', '--output', file, '--password-file', path.join(work, 'backup-password')], { TOMO_DATA_DIR: path.join(work, 'data'), TOMO_PLUGIN_DIRS: path.join(work, 'plugins'), TOMO_CONFIG: config });
  if (res.status !== 0) throw new Error(`tomo export failed (${String(res.status)}): ${res.stderr}`);
  return { file, stdout: res.stdout };
}

test('its mirrors are in a backup, which a fresh Tomo with the plugin restores; every table is declared', () => {
  const { file, stdout } = exportBackup('with-alpine.age');
  expect(stdout).toMatch(/\b1 alpine_mirrors\b/);
  expect(stdout).not.toMatch(/no plugin declares/);
  const fresh = path.join(work, 'fresh');
  const env = { TOMO_DATA_DIR: fresh, TOMO_PLUGIN_DIRS: path.join(work, 'plugins'), TOMO_CONFIG: path.join(work, 'backup-config.yaml') };
  const imported = runTomo(['import', file, '--password-file', path.join(work, 'backup-password')], env);
  expect(imported.status).toBe(0);
  expect(imported.stdout).toMatch(/apk mirrors: 1 in the backup, 1 added, 0 replaced, 0 skipped/);
  expect(query(fresh, 'SELECT s.name, m.url FROM alpine_mirrors m JOIN servers s ON s.id = m.serverId')).toEqual([{ name: 'alpine-box', url: 'https://dl-cdn.alpinelinux.org/alpine' }]);
});

test('in Chromium, its page and its dashboard card render inside the console, loaded at run time', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('alpine-widget').getByText(/5 Alpine releases supported · 1 mirror\(s\) chosen/).waitFor();
    await docsScreenshot(page, 'dashboard');
    // Exact: the dashboard's server health tile links the server "alpine-box" too.
    await page.getByRole('link', { name: 'Alpine', exact: true }).click();
    await page.getByTestId('alpine-versions').getByText(/Alpine 3\.18, Alpine 3\.19/).waitFor();
    // The admin's Plugins page: the example active with its contributions, the broken ones with their cause.
    await page.getByRole('link', { name: 'Plugins' }).click();
    await page.getByTestId('plugin-alpine').waitFor();
    expect(await page.getByTestId('plugin-alpine').getAttribute('data-state')).toBe('active');
    expect(await page.getByTestId('plugin-summary-alpine').innerText()).toBe('Contributes 2 routes, 1 MCP tool, 1 page, 1 dashboard card, 1 migration');
    expect(await page.getByTestId('plugin-error-throws').innerText()).toContain('cannot reach its licence server');
    expect(await page.getByTestId('plugin-error-future').innerText()).toContain('kernel API 99');
    await docsScreenshot(page, 'plugins-page');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
  // Nothing of the console's own build changed: the panel came from the plugin's folder.
  expect(treeHash(CONSOLE_DIST)).toBe(consoleBefore);
});

test('removing the plugin leaves its data in place, and Tomo starts without it', async () => {
  await server.stop();
  const pluginDir = path.join(work, 'plugins');
  fs.rmSync(path.join(pluginDir, 'node_modules', 'tomo-plugin-alpine'), { recursive: true, force: true });
  const env = { TOMO_DATA_DIR: path.join(work, 'data'), TOMO_PLUGIN_DIRS: pluginDir };
  server = await serveTomo(env);
  token = ((await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string }).token;
  const ids = (await api('GET', '/api/plugins')).body.plugins.map((p: { id: string }) => p.id);
  expect(ids).not.toContain('alpine');
  expect(ids).toEqual(expect.arrayContaining(['auth', 'servers', 'preparation', 'apps']));
  expect((await api('GET', '/api/alpine/mirrors')).status).toBe(404);
  expect(query(path.join(work, 'data'), 'SELECT url FROM alpine_mirrors')).toEqual([{ url: 'https://dl-cdn.alpinelinux.org/alpine' }]);
  // Its table stays, declared by nobody now: an export says so, and leaves it out without --include-history.
  const { stdout } = exportBackup('without-alpine.age');
  expect(stdout).toMatch(/Note: no plugin declares alpine_mirrors for backups; not in this backup/);
  expect(stdout).not.toMatch(/alpine_mirrors,|\d+ alpine_mirrors/);
});
