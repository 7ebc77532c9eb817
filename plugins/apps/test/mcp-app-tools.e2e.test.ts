/**
 * The same flow as install-flow.e2e through MCP, with the SDK client, on the test bed: list_catalog →
 * get_app_definition → install_app → get_installed_apps → stop_app → start_app → uninstall_app;
 * a killed container as `error`; bad arguments as tool errors naming the field; another user's
 * installation as not found.
 */
import fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { addTestbedServer, fetchPage, localDocker, markPrepared, startAppsKernel, type AppsKernel } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';

let t: AppsKernel;
let alice: Client;
let bob: Client;
let serverId: string;

beforeAll(async () => {
  t = await startAppsKernel();
  serverId = await addTestbedServer(t, t.tokens.alice);
  await markPrepared(t, serverId);
  alice = await connectMcp(t.url, t.tokens.alice);
  bob = await connectMcp(t.url, t.tokens.bob);
});
afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await t?.stop();
});

const call = async (client: Client, name: string, args: Record<string, unknown>) => {
  const r = resultText(await client.callTool({ name, arguments: args }));
  return { ...r, json: r.isError ? undefined : JSON.parse(r.text) };
};

test('the seven tools of the spec are listed', async () => {
  const names = (await alice.listTools()).tools.map((tool) => tool.name);
  expect(names).toEqual(expect.arrayContaining(['list_catalog', 'get_app_definition', 'install_app', 'get_installed_apps', 'uninstall_app', 'start_app', 'stop_app']));
});

test('catalog → install → answers → stop → start → uninstall with data, all through MCP', async () => {
  const listed = await call(alice, 'list_catalog', { search: 'web', category: 'testing' });
  expect(listed.json.apps.map((a: { id: string }) => a.id)).toEqual(['web-hello']);
  const definition = await call(alice, 'get_app_definition', { app_id: 'web-hello' });
  expect(definition.json.app.env.map((e: { name: string }) => e.name)).toEqual(['GREETING', 'APP_SECRET']);

  const port = await freePort();
  const installed = await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': port }, settings: { GREETING: 'from an agent' } });
  expect(installed.isError).toBe(false);
  const installation = installed.json.installation;
  expect(installation).toMatchObject({ state: 'running', settings: { GREETING: 'from an agent', APP_SECRET: null } });
  expect(await fetchPage(port)).toContain('tomo-test-httpd ok');

  const apps = await call(alice, 'get_installed_apps', { server_id: serverId });
  expect(apps.json.installations).toEqual([expect.objectContaining({ id: installation.id, state: 'running' })]);

  expect((await call(alice, 'stop_app', { installation_id: installation.id })).json.installation.state).toBe('stopped');
  expect(await fetchPage(port)).toBeNull();
  expect((await call(alice, 'start_app', { installation_id: installation.id })).json.installation.state).toBe('running');

  const removed = await call(alice, 'uninstall_app', { installation_id: installation.id, delete_data: true });
  expect(removed.json).toEqual({ removed: true, dataDeleted: true });
  expect(fs.existsSync(installation.dataDir)).toBe(false);
  expect((await call(alice, 'get_installed_apps', {})).json.installations).toEqual([]);
});

test('a container killed behind Tomo\'s back shows as error in get_installed_apps', async () => {
  const installed = (await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': await freePort() } })).json.installation;
  await localDocker().getContainer(installed.containerName).kill();
  const apps = (await call(alice, 'get_installed_apps', { server_id: serverId })).json.installations;
  expect(apps.find((i: { id: string }) => i.id === installed.id)).toMatchObject({ state: 'crashed', stateDetail: expect.stringMatching(/Exited \(137\)/) });
  // Another user cannot touch it.
  const foreign = await call(bob, 'uninstall_app', { installation_id: installed.id });
  expect(foreign).toMatchObject({ isError: true });
  expect(foreign.text).toMatch(/not found/i);
  await call(alice, 'uninstall_app', { installation_id: installed.id, delete_data: true });
});

test('bad arguments are tool errors naming the field, and nothing is created', async () => {
  const port = await freePort();
  const bad = await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': 70000 } });
  expect(bad.isError).toBe(true);
  expect(bad.text).toMatch(/ports/);
  const unknown = await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', settings: { 'NOT-A-NAME': 'x' }, ports: { '80/tcp': port } });
  expect(unknown.isError).toBe(true);
  const noApp = await call(alice, 'get_app_definition', { app_id: 'nope' });
  expect(noApp.isError).toBe(true);
  expect(noApp.text).toMatch(/nope/);
  expect((await call(alice, 'get_installed_apps', {})).json.installations).toEqual([]);
});
