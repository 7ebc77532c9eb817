/**
 * Catalog sources on the built Tomo (`tomo serve`): a folder added through TOMO_CATALOG_DIRS whose
 * new definition shows up after a reload (no restart), a Portainer v2 template file listed as a
 * catalog with its apps, and broken definitions reported with their file and field while the rest
 * of the catalog still loads — in the API an admin reads (and the console shows).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';

jest.setTimeout(60000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
const PORTAINER = path.join(__dirname, '..', 'src', 'catalog', '__fixtures__', 'portainer-v2.json');
const good = (id: string) => `id: ${id}\nname: ${id}\ndescription: A good app.\ncategory: testing\nimage: example/${id}:1\nports:\n  - "18080:80"\n`;

/** Broken definitions, each with the field the report must name. */
const BROKEN: Record<string, [string, string]> = {
  'semicolon-image.yaml': [good('semicolon-image').replace('example/semicolon-image:1', '"nginx;id"'), 'image'],
  'dash-image.yaml': [good('dash-image').replace('example/dash-image:1', '"-nginx"'), 'image'],
  'big-port.yaml': [good('big-port').replace('"18080:80"', '"70000:80"'), 'ports.0'],
  'root-volume.yaml': [`${good('root-volume')}volumes:\n  - /:/host\n`, 'volumes.0.host'],
  'etc-volume.yaml': [`${good('etc-volume')}volumes:\n  - /etc:/host-etc\n`, 'volumes.0.host'],
  'socket-volume.yaml': [`${good('socket-volume')}volumes:\n  - /var/run/docker.sock:/var/run/docker.sock\n`, 'volumes.0.host'],
  'unknown-key.yaml': [`${good('unknown-key')}privileged: true\n`, 'privileged'],
  'too-deep.yaml': [`${good('too-deep')}notes: ${'['.repeat(200)}${']'.repeat(200)}\n`, ''],
  'too-big.yaml': [`${good('too-big')}description: "${'x'.repeat(200 * 1024)}"\n`, ''],
};

let dataDir: string;
let folder: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let token: string;

beforeAll(async () => {
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-catalogs-'));
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-catalog-folder-'));
  fs.writeFileSync(path.join(folder, 'first-app.yaml'), good('first-app'));
  for (const [file, [text]] of Object.entries(BROKEN)) fs.writeFileSync(path.join(folder, file), text);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CATALOG_DIRS: [folder, PORTAINER].join(path.delimiter) };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  token = ((await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string }).token;
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(folder, { recursive: true, force: true });
});

const get = async (route: string, method = 'GET') => {
  const res = await fetch(`${server.url}${route}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
};
const ids = async () => (await get('/api/apps/catalog')).body.apps.map((a: { id: string }) => a.id) as string[];

test('broken definitions are reported with file and field; the rest of the catalog loads', async () => {
  const status = await get('/api/apps/catalogs');
  expect(status.status).toBe(200);
  const mine = status.body.catalogs.find((c: { id: string }) => c.id === `folder:${folder}`);
  expect(mine.appIds).toEqual(['first-app']);
  for (const [file, [, field]] of Object.entries(BROKEN)) {
    const issue = mine.errors.find((e: { file: string }) => e.file === path.join(folder, file));
    expect({ file, issue }).toEqual({ file, issue: expect.objectContaining({ field, message: expect.any(String) }) });
  }
  // The built-in catalog is untouched by the broken folder.
  expect(await ids()).toEqual(expect.arrayContaining(['first-app', 'portainer', 'nextcloud', 'jellyfin', 'pihole', 'nginx-proxy-manager']));
});

test('a new definition in the folder shows up after a reload, without a restart', async () => {
  expect(await ids()).not.toContain('added-later');
  fs.writeFileSync(path.join(folder, 'added-later.yaml'), good('added-later'));
  const reloaded = await get('/api/apps/catalogs/reload', 'POST');
  expect(reloaded.status).toBe(200);
  expect(await ids()).toContain('added-later');
});

test('a Portainer v2 template file is listed as a catalog with its apps', async () => {
  const status = await get('/api/apps/catalogs');
  const portainer = status.body.catalogs.find((c: { kind: string }) => c.kind === 'import');
  expect(portainer).toMatchObject({ id: `import:${PORTAINER}`, label: 'Portainer templates (portainer-v2.json)' });
  expect(portainer.appIds.length).toBeGreaterThan(0);
  const listed = (await get('/api/apps/catalog')).body.apps.filter((a: { source: { kind: string } }) => a.source.kind === 'import');
  expect(listed.length).toBeGreaterThan(0);
  const detail = await get(`/api/apps/catalog/${listed[0].id}`);
  expect(detail.body.source.kind).toBe('import');
  expect(detail.body.app.image).toEqual(expect.any(String));
});

test('only admins see the catalog sources and may reload', async () => {
  const created = await fetch(`${server.url}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'carol', email: 'c@example.com', role: 'user', password: 'carol-password-1234' }),
  });
  expect(created.status).toBe(201);
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'carol', password: 'carol-password-1234' }) });
  const userToken = ((await login.json()) as { token: string }).token;
  for (const [method, route] of [['GET', '/api/apps/catalogs'], ['POST', '/api/apps/catalogs/reload']]) {
    expect((await fetch(`${server.url}${route}`, { method, headers: { authorization: `Bearer ${userToken}` } })).status).toBe(403);
  }
});
