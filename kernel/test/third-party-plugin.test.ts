import fs from 'node:fs';
import path from 'node:path';
import { listTables } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { FIXTURE_UI_ENTRY, writeFixtureNotesPackage } from './support/fixture-notes-package';
import { connectMcp, resultText } from './support/mcp-client';
import { makeTempDir, removeTempDirs } from './support/temp-dir';
import { ADMIN_TOKEN, USER_TOKEN, testAuthPlugin } from './support/test-auth';

// Under jest, `require` is jest's own resolver, not Node's `Module._resolveFilename` that the
// kernel's shared-module hook patches. jest.config maps `@tomo/kernel`; these two entries do for
// `typeorm` and `zod` what the hook does in production: a plugin folder without node_modules gets
// the host's (real, unmocked) copies. The hook itself is exercised by shared-modules.test.ts and,
// end to end with the compiled kernel, by cli.test.ts.
jest.mock('typeorm', () => jest.requireActual('typeorm'), { virtual: true });
jest.mock('zod', () => jest.requireActual('zod'), { virtual: true });

let pluginsDir: string;
let t: TestKernel;

beforeAll(async () => {
  pluginsDir = makeTempDir('tomo-third-party-');
  writeFixtureNotesPackage(pluginsDir);
  expect(fs.existsSync(path.join(pluginsDir, 'fixture-notes', 'node_modules'))).toBe(false);
  t = await startTestKernel({ plugins: [testAuthPlugin], pluginDirs: [pluginsDir] });
});
afterAll(async () => {
  await t.stop();
  removeTempDirs();
});

test('it is discovered as a third-party plugin and active', async () => {
  expect(t.kernel.pluginStatuses().find((s) => s.id === 'fixture-notes')).toEqual({
    id: 'fixture-notes',
    kind: 'plugin',
    version: '1.2.3',
    packageName: '@acme/tomo-fixture-notes',
    builtin: false,
    state: 'active',
  });
  const status = await t.request('GET', '/api/status', { token: USER_TOKEN });
  expect(status.body.plugins).toContainEqual({ id: 'fixture-notes', version: '1.2.3', state: 'active' });
});

test('its migration ran: the table exists and the migration is recorded', async () => {
  expect(await listTables(t.kernel.dataSource)).toContain('fixture_notes');
  const applied = await t.kernel.dataSource.query('SELECT "name" FROM "migrations"');
  expect(applied).toEqual([{ name: 'FixtureNotesInitial1800000000000' }]);
});

test('its route answers, validates and writes through its EntitySchema entity', async () => {
  expect((await t.request('POST', '/api/fixture-notes', { body: { text: 'hi' } })).status).toBe(401);
  const bad = await t.request('POST', '/api/fixture-notes', { token: USER_TOKEN, body: { text: 'hi', extra: true } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe('extra');
  const res = await t.request('POST', '/api/fixture-notes', { token: USER_TOKEN, body: { text: 'from http' } });
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ id: expect.any(Number), text: 'from http' });
  const list = await t.request('GET', '/api/fixture-notes', { token: USER_TOKEN });
  expect(list.body.map((n: { text: string }) => n.text)).toContain('from http');
});

test('its prefixed MCP tool is listed and works through the SDK client', async () => {
  const mcp = await connectMcp(t.url, USER_TOKEN);
  try {
    const { tools } = await mcp.client.listTools();
    const tool = tools.find((x) => x.name === 'fixture_notes_add');
    expect(tool).toBeDefined();
    expect(tool!.inputSchema).toMatchObject({ type: 'object', required: ['text'], additionalProperties: false });
    const res = await mcp.client.callTool({ name: 'fixture_notes_add', arguments: { text: 'from mcp' } });
    expect(res.isError).toBeFalsy();
    expect(res.structuredContent).toEqual({ id: expect.any(Number), text: 'from mcp' });
    expect(JSON.parse(resultText(res)).text).toBe('from mcp');
    const rows = await t.kernel.dataSource.query(`SELECT text FROM fixture_notes WHERE text = 'from mcp'`);
    expect(rows).toHaveLength(1);
  } finally {
    await mcp.close();
  }
});

test('/api/ui/manifest (authenticated) lists its panel; admin-only routes and nav are hidden from users', async () => {
  expect((await t.request('GET', '/api/ui/manifest')).status).toBe(401);
  const admin = await t.request('GET', '/api/ui/manifest', { token: ADMIN_TOKEN });
  expect(admin.status).toBe(200);
  expect(admin.body).toEqual({
    plugins: [
      {
        id: 'fixture-notes',
        version: '1.2.3',
        entry: '/ui/plugins/fixture-notes/index.js',
        styles: ['/ui/plugins/fixture-notes/style.css'],
        routes: [
          { path: '/fixture-notes', component: 'NotesPage', title: 'Notes' },
          { path: '/fixture-notes/settings', component: 'NotesPage', title: 'Note settings', access: 'admin' },
        ],
        nav: [
          { label: 'Notes', path: '/fixture-notes', icon: 'note', order: 50 },
          { label: 'Note settings', path: '/fixture-notes/settings', access: 'admin' },
        ],
        widgets: [{ id: 'fixture-notes-count', component: 'CountWidget', title: 'Notes', order: 5 }],
        slots: {},
      },
    ],
  });
  const user = await t.request('GET', '/api/ui/manifest', { token: USER_TOKEN });
  expect(user.body.plugins[0].routes.map((r: { path: string }) => r.path)).toEqual(['/fixture-notes']);
  expect(user.body.plugins[0].nav.map((n: { label: string }) => n.label)).toEqual(['Notes']);
});

test('its panel bundle is served under /ui/plugins/fixture-notes/', async () => {
  const res = await fetch(`${t.url}/ui/plugins/fixture-notes/index.js`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/javascript/);
  expect(res.headers.get('cache-control')).toBe('no-cache');
  expect(await res.text()).toBe(FIXTURE_UI_ENTRY);
  const css = await fetch(`${t.url}/ui/plugins/fixture-notes/style.css`);
  expect(css.status).toBe(200);
  expect(await css.text()).toContain('teal');
});

test('nothing outside the bundle folder is served, and unknown bundles are 404', async () => {
  for (const p of ['/ui/plugins/fixture-notes/%2e%2e/index.js', '/ui/plugins/fixture-notes/..%2fpackage.json', '/ui/plugins/fixture-notes/%2e%2e%2f%2e%2e%2fREADME.md']) {
    const res = await fetch(`${t.url}${p}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('definePlugin');
  }
  expect((await fetch(`${t.url}/ui/plugins/fixture-notes/missing.js`)).status).toBe(404);
  expect((await fetch(`${t.url}/ui/plugins/not-installed/index.js`)).status).toBe(404);
  expect((await fetch(`${t.url}/ui/plugins/fixture-notes`)).status).not.toBe(200);
});

test('the Plugins report lists it with everything it contributes; only admins may read it', async () => {
  const res = await t.request('GET', '/api/plugins', { token: ADMIN_TOKEN });
  expect(res.status).toBe(200);
  const notes = res.body.plugins.find((p: { id: string }) => p.id === 'fixture-notes');
  expect(notes).toEqual({
    id: 'fixture-notes',
    kind: 'plugin',
    version: '1.2.3',
    packageName: '@acme/tomo-fixture-notes',
    builtin: false,
    state: 'active',
    description: 'Notes, shipped as a third-party package',
    contributes: {
      routes: ['POST /api/fixture-notes', 'GET /api/fixture-notes'],
      tools: ['fixture_notes_add'],
      pages: ['/fixture-notes', '/fixture-notes/settings'],
      widgets: ['Notes'],
      slots: [],
      extensionPoints: [],
      migrations: ['FixtureNotesInitial1800000000000'],
    },
  });
  expect((await t.request('GET', '/api/plugins', { token: USER_TOKEN })).status).toBe(403);
});
