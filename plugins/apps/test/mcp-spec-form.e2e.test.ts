/**
 * The app tools in the product spec's form (issue 16, finding 1) and in Tomo's installation form,
 * with the real MCP SDK client against a real Tomo with every built-in plugin, on the test bed's
 * sshd and Docker: install_app(server_id, app_id, config: { ports, env }), start_app / stop_app /
 * get_app_metrics(server_id, app_id), uninstall_app(..., remove_data). The same calls by
 * installation_id; two installations of one app make server_id + app_id an error listing both ids;
 * both forms with values that disagree are an error naming the fields, and change nothing.
 */
import fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { addTestbedServer, markPrepared, startMonitoringKernel, type MonitoringKernel } from '../../monitoring/test/support/monitoring-kernel';
import { fetchPage } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';

let t: MonitoringKernel;
let alice: Client;
let bob: Client;
let serverId: string;

beforeAll(async () => {
  t = await startMonitoringKernel({ config: { monitoring: { intervalSeconds: 3600 } } });
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

/** A tool call through the SDK client (which checks structured content against the tool's outputSchema). */
const call = async (client: Client, name: string, args: Record<string, unknown>) => resultText(await client.callTool({ name, arguments: args }));
const installationsOn = async () => (await call(alice, 'get_installed_apps', { server_id: serverId })).structured.installations as Array<{ id: string; state: string }>;

test('every app tool says in its description that it takes both forms', async () => {
  const { tools } = await alice.listTools();
  for (const name of ['start_app', 'stop_app', 'uninstall_app', 'get_app_metrics', 'get_app_logs']) {
    const tool = tools.find((x) => x.name === name)!;
    expect(tool.description).toMatch(/installation_id, or .*server_id and app_id/);
    expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['installation_id', 'server_id', 'app_id']));
  }
  const install = tools.find((x) => x.name === 'install_app')!;
  expect(install.description).toMatch(/config: \{ ports, env \}/);
  expect(tools.find((x) => x.name === 'uninstall_app')!.inputSchema.properties).toHaveProperty('remove_data');
});

test("the spec's form: install with config, stop, start, metrics, uninstall with remove_data", async () => {
  const port = await freePort();
  const installed = await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', config: { ports: { '80/tcp': port }, env: { GREETING: 'from the spec' } } });
  expect(installed.isError).toBe(false);
  const installation = installed.structured.installation;
  expect(installation).toMatchObject({ state: 'running', appId: 'web-hello', settings: { GREETING: 'from the spec' }, ports: [expect.objectContaining({ container: 80, host: port })] });
  expect(await fetchPage(port)).toContain('tomo-test-httpd ok');

  const target = { server_id: serverId, app_id: 'web-hello' };
  const stopped = await call(alice, 'stop_app', target);
  expect(stopped.structured.installation).toMatchObject({ id: installation.id, state: 'stopped' });
  expect(await fetchPage(port)).toBeNull();
  expect((await call(alice, 'start_app', target)).structured.installation).toMatchObject({ id: installation.id, state: 'running' });
  expect(await fetchPage(port)).toContain('tomo-test-httpd ok');

  const metrics = await call(alice, 'get_app_metrics', { ...target, period: '7d' });
  expect(metrics.isError).toBe(false);
  expect(metrics.structured).toMatchObject({ installationId: installation.id, serverId, appId: 'web-hello', period: '7d' });

  // Bob names the same server and app: nothing of Alice's is found.
  const foreign = await call(bob, 'stop_app', target);
  expect(foreign).toMatchObject({ isError: true, error: { code: 'not_found' } });
  expect((await installationsOn()).find((i) => i.id === installation.id)?.state).toBe('running');

  const removed = await call(alice, 'uninstall_app', { ...target, remove_data: true });
  expect(removed.structured).toEqual({ removed: true, dataDeleted: true });
  expect(fs.existsSync(installation.dataDir)).toBe(false);
  expect(await installationsOn()).toEqual([]);
  // Nothing left to name.
  const none = await call(alice, 'start_app', target);
  expect(none).toMatchObject({ isError: true, error: { code: 'not_found' } });
  expect(none.text).toContain(`Installation of "web-hello" on server ${serverId} not found`);
});

test('the installation form still works for every tool, and both forms that agree are accepted', async () => {
  const port = await freePort();
  const installed = await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': port }, settings: { GREETING: 'by id' } });
  const id = installed.structured.installation.id as string;
  expect((await call(alice, 'stop_app', { installation_id: id })).structured.installation.state).toBe('stopped');
  expect((await call(alice, 'start_app', { installation_id: id, server_id: serverId, app_id: 'web-hello' })).structured.installation.state).toBe('running');
  expect((await call(alice, 'get_app_metrics', { installation_id: id })).structured).toMatchObject({ installationId: id, period: '24h' });
  expect((await call(alice, 'uninstall_app', { installation_id: id, delete_data: true, remove_data: true })).structured).toEqual({ removed: true, dataDeleted: true });
  expect(await installationsOn()).toEqual([]);
});

test('server_id + app_id naming two installations is an error listing both ids; installation_id picks one', async () => {
  const first = (await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': await freePort() } })).structured.installation.id as string;
  const second = (await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', config: { ports: { '80/tcp': await freePort() } } })).structured.installation.id as string;
  for (const name of ['stop_app', 'start_app', 'uninstall_app', 'get_app_metrics', 'get_app_logs']) {
    const ambiguous = await call(alice, name, { server_id: serverId, app_id: 'web-hello' });
    expect(ambiguous).toMatchObject({ isError: true, error: { code: 'ambiguous_installation', field: 'installation_id' } });
    expect(ambiguous.structured).toBeUndefined();
    expect(ambiguous.text).toContain(first);
    expect(ambiguous.text).toContain(second);
  }
  // Nothing was stopped or removed by the refused calls.
  expect((await installationsOn()).map((i) => [i.id, i.state])).toEqual([
    [first, 'running'],
    [second, 'running'],
  ]);
  expect((await call(alice, 'stop_app', { installation_id: second })).structured.installation).toMatchObject({ id: second, state: 'stopped' });
  for (const id of [first, second]) await call(alice, 'uninstall_app', { installation_id: id, remove_data: true });
});

test('both forms with values that disagree are errors naming the fields, and change nothing', async () => {
  const port = await freePort();
  const clash = await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': port }, config: { ports: { '80/tcp': port + 1 } } });
  expect(clash).toMatchObject({ isError: true, error: { code: 'validation_failed', field: 'config.ports' } });
  expect(clash.text).toMatch(/ports and config\.ports/);
  const envClash = await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', settings: { GREETING: 'a' }, config: { env: { GREETING: 'b' } } });
  expect(envClash).toMatchObject({ isError: true, error: { field: 'config.env' } });
  expect(await installationsOn()).toEqual([]);

  const id = (await call(alice, 'install_app', { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': port }, config: { ports: { '80/tcp': port } } })).structured.installation.id as string;
  const otherServer = await addTestbedServer(t, t.tokens.alice);
  const wrongServer = await call(alice, 'stop_app', { installation_id: id, server_id: otherServer, app_id: 'web-hello' });
  expect(wrongServer).toMatchObject({ isError: true, error: { code: 'validation_failed', field: 'server_id' } });
  const wrongApp = await call(alice, 'get_app_metrics', { installation_id: id, app_id: 'other-app' });
  expect(wrongApp).toMatchObject({ isError: true, error: { field: 'app_id' } });
  const dataClash = await call(alice, 'uninstall_app', { installation_id: id, delete_data: false, remove_data: true });
  expect(dataClash).toMatchObject({ isError: true, error: { field: 'remove_data' } });
  const half = await call(alice, 'start_app', { app_id: 'web-hello' });
  expect(half).toMatchObject({ isError: true, error: { field: 'server_id' } });
  expect((await installationsOn()).map((i) => [i.id, i.state])).toEqual([[id, 'running']]);
  await call(alice, 'uninstall_app', { installation_id: id, delete_data: true });
});
