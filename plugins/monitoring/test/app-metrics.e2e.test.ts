/**
 * Apps in the poll, on the test bed's real Docker engine: a running app's CPU and memory come
 * from its cgroup in the same single probe (no extra SSH channel in steady state), show in the
 * server's metrics, the dashboard summary and `get_app_metrics`; a container killed behind Tomo's
 * back is an "app crashed" event (once), while a stop through Tomo is not. Polls every second.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { spyOnHandles } from '../../servers/test/support/handle-spy';
import { appSeries, rowsOf } from './support/metric-rows';
import { addTestbedServer, localDocker, markPrepared, startMonitoringKernel, type MonitoringKernel } from './support/monitoring-kernel';
import { waitInstalled } from '../../apps/test/support/apps-kernel';
import { waitFor } from './support/wait-for';
import { freePort } from '../../../test-support/ports';

let t: MonitoringKernel;
let mcp: Client;
let bobMcp: Client;
let serverId: string;

beforeAll(async () => {
  t = await startMonitoringKernel({ config: { monitoring: { intervalSeconds: 1 } } });
  mcp = await connectMcp(t.url, t.tokens.alice);
  bobMcp = await connectMcp(t.url, t.tokens.bob);
  serverId = await addTestbedServer(t, t.tokens.alice, 'alice-apps');
  await markPrepared(t, serverId);
});
afterAll(async () => {
  await mcp?.close();
  await bobMcp?.close();
  await t?.stop();
});

async function install(): Promise<{ id: string; containerName: string }> {
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  expect(res.status).toBe(202);
  const installation = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  expect(installation.state).toBe('running');
  return installation;
}

const containersOf = async () => (await t.request('GET', `/api/metrics/servers/${serverId}`, { token: t.tokens.alice })).body.containers as any[];
const crashEvents = async (id: string) =>
  ((await t.request('GET', '/api/activity?action=app.crashed', { token: t.tokens.alice })).body.entries as any[]).filter((e) => e.targetId === id);

let app: { id: string; containerName: string };

test('a running app: CPU and memory from its cgroup, in the server metrics, the summary and get_app_metrics', async () => {
  app = await install();
  const status = await waitFor('the app measured twice (a CPU delta)', async () => (await containersOf()).find((c) => c.installationId === app.id && c.cpuPercent !== null));
  expect(status).toMatchObject({ appId: 'web-hello', appName: 'Web Hello', containerName: app.containerName, state: 'running', detail: null });
  expect(status.memBytes).toBeGreaterThan(0);
  expect(status.cpuPercent).toBeGreaterThanOrEqual(0);
  expect(status.cpuPercent).toBeLessThanOrEqual(100);

  const summary = (await t.request('GET', '/api/metrics/summary', { token: t.tokens.alice })).body;
  expect(summary.apps).toMatchObject({ total: 1, running: 1, crashed: 0 });
  expect(summary.perServer).toEqual([expect.objectContaining({ serverId, apps: expect.objectContaining({ running: 1 }) })]);
  expect((await t.request('GET', '/api/metrics/summary', { token: t.tokens.bob })).body.apps.total).toBe(0);

  const appSamples = async () => rowsOf(t.kernel.dataSource, 'container_samples', await appSeries(t.kernel.dataSource, app.id));
  expect(await appSamples()).toBeGreaterThanOrEqual(2);
  const viaMcp = resultText(await mcp.callTool({ name: 'get_app_metrics', arguments: { installation_id: app.id, period: '24h' } }));
  expect(viaMcp.isError).toBe(false);
  const history = JSON.parse(viaMcp.text);
  expect(history).toMatchObject({ installationId: app.id, serverId, appName: 'Web Hello', period: '24h', current: { state: 'running' } });
  expect(history.points.length).toBeGreaterThan(0);
  expect(history.points.at(-1).memBytes).toBeGreaterThan(0);
  const viaHttp = await t.request('GET', `/api/metrics/apps/${app.id}?period=7d`, { token: t.tokens.alice });
  expect(viaHttp.status).toBe(200);
  expect(viaHttp.body.points.length).toBeGreaterThan(0);

  // Someone else's app is not found, and a bad id names the field.
  const foreign = resultText(await bobMcp.callTool({ name: 'get_app_metrics', arguments: { installation_id: app.id } }));
  expect(foreign.isError).toBe(true);
  expect(foreign.text).toMatch(/not found/i);
  expect((await t.request('GET', `/api/metrics/apps/${app.id}`, { token: t.tokens.bob })).status).toBe(404);
  const bad = await t.request('GET', '/api/metrics/apps/not-an-id', { token: t.tokens.alice });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toMatch(/id/);
});

test('steady state: one SSH channel per server per poll, apps included', async () => {
  const servers = t.kernel.resolve(ServersTokens.ServerService);
  const counts = { exec: 0, stream: 0 };
  const restore = spyOnHandles(servers, (call, proceed) => {
    if (call.serverId === serverId && call.method === 'exec') counts.exec += 1;
    if (call.serverId === serverId && call.method === 'openStream') counts.stream += 1;
    return proceed();
  });
  try {
    const before = await rowsOf(t.kernel.dataSource, 'container_samples', await appSeries(t.kernel.dataSource, app.id));
    await new Promise((r) => setTimeout(r, 4500));
    const polls = (await rowsOf(t.kernel.dataSource, 'container_samples', await appSeries(t.kernel.dataSource, app.id))) - before;
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(counts).toEqual({ exec: polls, stream: 0 });
  } finally {
    restore();
  }
});

test('a container killed behind Tomo\'s back is one "app crashed" event; a stop through Tomo is none', async () => {
  await localDocker().getContainer(app.containerName).kill();
  const [event] = await waitFor('the app.crashed entry', async () => {
    const events = await crashEvents(app.id);
    return events.length ? events : null;
  });
  expect(event).toMatchObject({ action: 'app.crashed', result: 'failed', door: 'system', serverId, targetType: 'app', targetName: 'Web Hello', userId: null });
  expect(event.detail).toMatch(/Exited \(137\)/);
  expect((await containersOf()).find((c) => c.installationId === app.id)).toMatchObject({ state: 'crashed', detail: expect.stringMatching(/137/) });
  expect((await t.request('GET', '/api/metrics/summary', { token: t.tokens.alice })).body.apps).toMatchObject({ running: 0, crashed: 1 });
  // Bob does not see Alice's app events.
  const bobs = (await t.request('GET', '/api/activity?action=app.crashed', { token: t.tokens.bob })).body.entries as any[];
  expect(bobs.filter((e) => e.targetId === app.id)).toEqual([]);

  // Still down a few polls later: still one event.
  await new Promise((r) => setTimeout(r, 3000));
  expect(await crashEvents(app.id)).toHaveLength(1);

  // Started again through Tomo: running; then stopped through Tomo: no new event.
  expect((await t.request('POST', `/api/apps/installations/${app.id}/start`, { token: t.tokens.alice })).status).toBe(200);
  await waitFor('running again', async () => (await containersOf()).find((c) => c.installationId === app.id && c.state === 'running'));
  expect((await t.request('POST', `/api/apps/installations/${app.id}/stop`, { token: t.tokens.alice })).status).toBe(200);
  await waitFor('stopped', async () => (await containersOf()).find((c) => c.installationId === app.id && c.state === 'stopped'));
  await new Promise((r) => setTimeout(r, 2500));
  expect(await crashEvents(app.id)).toHaveLength(1);

  expect((await t.request('DELETE', `/api/apps/installations/${app.id}?deleteData=true`, { token: t.tokens.alice })).status).toBe(200);
});
