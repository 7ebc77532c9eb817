/**
 * The poller against real sshds: samples from the test bed (CPU from /proc/stat deltas, memory,
 * disk, load, uptime, latency), the latest per server and a period downsampled by SQL, through
 * HTTP and MCP, within the caller's servers; a private sshd stopped turns offline within three
 * intervals (an activity entry) and online again when it is back. Polls every second here.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { startOwnSshd, type OwnSshd } from '../../servers/test/support/own-sshd';
import pino from 'pino';
import { MetricSampleEntity } from '../src/entities/metric-sample.entity';
import { Rollups } from '../src/metrics/rollups';
import { rowsOf, serverSeries } from './support/metric-rows';
import { addTestbedServer, startMonitoringKernel, testbed, type MonitoringKernel } from './support/monitoring-kernel';
import { waitFor } from './support/wait-for';

let t: MonitoringKernel;
let sshd: OwnSshd;
let mcp: Client;
let serverId: string;

beforeAll(async () => {
  t = await startMonitoringKernel({ config: { monitoring: { intervalSeconds: 1 } } });
  sshd = await startOwnSshd();
  mcp = await connectMcp(t.url, t.tokens.alice);
  serverId = await addTestbedServer(t, t.tokens.alice, 'alice-metrics');
});
afterAll(async () => {
  await mcp?.close();
  await t?.stop();
  await sshd?.cleanup();
});

const latestOf = async (id: string, token = t.tokens.alice) => {
  const res = await t.request('GET', '/api/metrics/servers', { token });
  expect(res.status).toBe(200);
  return (res.body.servers as any[]).find((s) => s.serverId === id);
};

test('the test bed is polled: CPU, memory, disk, load, uptime, latency; only its owner sees it', async () => {
  const entry = await waitFor('two polls (a CPU delta)', async () => {
    const s = await latestOf(serverId);
    return s?.latest?.cpuPercent !== null && s?.latest ? s : null;
  });
  expect(entry).toMatchObject({ name: 'alice-metrics', status: 'online', consecutiveFailures: 0, lastError: null });
  const l = entry.latest;
  expect(l.cpuPercent).toBeGreaterThanOrEqual(0);
  expect(l.cpuPercent).toBeLessThanOrEqual(100);
  expect(l.memTotalBytes).toBeGreaterThan(64 * 1024 * 1024);
  expect(l.memUsedBytes).toBeGreaterThan(0);
  expect(l.memUsedBytes).toBeLessThanOrEqual(l.memTotalBytes);
  expect(l.diskTotalBytes).toBeGreaterThan(l.diskUsedBytes);
  expect(l.load1).toBeGreaterThanOrEqual(0);
  expect(l.uptimeSeconds).toBeGreaterThan(0);
  expect(l.latencyMs).toBeGreaterThan(0);
  expect(Date.now() - Date.parse(l.at)).toBeLessThan(10000);
  // A server polled for a few seconds already has a chart: its raw samples, not rolled up yet.
  const chart = await t.request('GET', `/api/metrics/servers/${serverId}?period=24h`, { token: t.tokens.alice });
  expect(chart.body).toMatchObject({ serverId, period: '24h', bucketSeconds: 300, resolution: 'raw' });
  expect(chart.body.points.at(-1).samples).toBeGreaterThanOrEqual(2);
  expect(chart.body.points.at(-1).cpuPercentMax).toBeGreaterThanOrEqual(chart.body.points.at(-1).cpuPercentMin);

  expect(await latestOf(serverId, t.tokens.bob)).toBeUndefined();
  expect((await t.request('GET', `/api/metrics/servers/${serverId}`, { token: t.tokens.bob })).status).toBe(404);
  expect((await t.request('GET', `/api/metrics/servers/${serverId}?period=1y`, { token: t.tokens.alice })).status).toBe(400);
});

test('a period is read from the rollups (5-minute for 24h, hourly for 7d and 30d), at most 288 buckets, averages to the stored unit', async () => {
  const repo = t.kernel.dataSource.getRepository(MetricSampleEntity);
  const series = await serverSeries(t.kernel.dataSource, serverId);
  expect(series).not.toBeNull();
  const now = Math.floor(Date.now() / 1000);
  // A week of samples every 5 minutes, an hour or more old (the poller's own are newer).
  const seeded: Array<{ ts: number; cpu: number }> = [];
  for (let ts = now - 7 * 86400 + 60; ts < now - 3600; ts += 300) seeded.push({ ts, cpu: (ts / 300) % 97 });
  for (let i = 0; i < seeded.length; i += 500) {
    await repo.insert(seeded.slice(i, i + 500).map((s) => ({ seriesId: series!, ts: s.ts, cpuPercent: s.cpu, memTotalBytes: 1000, memUsedBytes: 500, diskTotalBytes: 2000, diskUsedBytes: 100, load1: 1, latencyMs: 2 })));
  }
  // Samples from the past arrived after the job got further: roll up from the first sample again.
  await t.kernel.dataSource.query('DELETE FROM metric_rollup_watermarks');
  await new Rollups(t.kernel.dataSource, { now: () => new Date() }, pino({ level: 'silent' })).run();
  for (const [period, bucket, resolution, most] of [['7d', 3600, '1h', 168], ['30d', 10800, '1h', 240], ['24h', 300, '5m', 288]] as const) {
    const res = await t.request('GET', `/api/metrics/servers/${serverId}?period=${period}`, { token: t.tokens.alice });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serverId, period, bucketSeconds: bucket, resolution });
    const points = res.body.points as Array<{ at: string; cpuPercent: number; samples: number }>;
    expect(points.length).toBeLessThanOrEqual(most);
    expect(points.length).toBeGreaterThan(period === '30d' ? 50 : period === '7d' ? 160 : 250);
    // Every bucket wholly in the seeded range averages what was seeded there.
    const expected = new Map<number, number[]>();
    for (const s of seeded) {
      const key = s.ts - (s.ts % bucket);
      expected.set(key, [...(expected.get(key) ?? []), s.cpu]);
    }
    let compared = 0;
    for (const p of points) {
      const key = Date.parse(p.at) / 1000;
      if (key + bucket > now - 3600 || key < now - (period === '24h' ? 86400 : period === '7d' ? 7 * 86400 : 30 * 86400) + bucket) continue;
      const values = expected.get(key)!;
      expect(p.samples).toBe(values.length);
      // The answer is rounded to 0.1 %, from averages stored in hundredths (metric-codec): at most 0.05 + 0.01 off.
      expect(Math.abs(p.cpuPercent - values.reduce((a, b) => a + b, 0) / values.length)).toBeLessThanOrEqual(0.06 + 1e-9);
      compared++;
    }
    expect(compared).toBeGreaterThan(period === '30d' ? 40 : period === '7d' ? 150 : 200);
  }
  // The same through MCP.
  const viaMcp = resultText(await mcp.callTool({ name: 'get_server_metrics', arguments: { server_id: serverId, period: '7d' } }));
  expect(viaMcp.isError).toBe(false);
  expect(JSON.parse(viaMcp.text)).toMatchObject({ serverId, period: '7d', bucketSeconds: 3600, resolution: '1h' });
});

test('a stopped sshd: offline within three intervals, online again when it is back (activity entries)', async () => {
  const { ssh } = testbed();
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { name: 'own-sshd', host: '127.0.0.1', port: sshd.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } } });
  expect(added.status).toBe(201);
  const id = added.body.id as string;
  await waitFor('own sshd online', async () => (await latestOf(id))?.status === 'online');
  // The server's own record follows the poller (no connection test was run: it was `unknown`).
  const record = async () => (await t.request('GET', `/api/servers/${id}`, { token: t.tokens.alice })).body;
  expect(await waitFor('the record online', async () => ((await record()).status === 'online' ? true : null))).toBe(true);

  await sshd.kill();
  const killedAt = Date.now();
  const offline = await waitFor('server.offline', async () => (await t.request('GET', `/api/activity?serverId=${id}&action=server.offline`, { token: t.tokens.alice })).body.entries[0], 15000);
  // Three failed polls, one a second (plus the time each refused connection takes).
  expect(Date.now() - killedAt).toBeLessThan(8000);
  expect(offline).toMatchObject({ door: 'system', result: 'failed', targetName: 'own-sshd', userId: null, detail: expect.stringMatching(/^3 polls failed: /) });
  expect(await latestOf(id)).toMatchObject({ status: 'offline', consecutiveFailures: expect.any(Number), lastError: expect.any(String) });
  expect(await record()).toMatchObject({ status: 'offline', lastError: expect.stringMatching(/refused|answer/i) });

  const summary = JSON.parse(resultText(await mcp.callTool({ name: 'get_dashboard_summary', arguments: {} })).text);
  expect(summary.servers).toEqual({ total: 2, online: 1, offline: 1, unknown: 0 });
  expect(summary.perServer.map((s: { name: string }) => s.name).sort()).toEqual(['alice-metrics', 'own-sshd']);

  await sshd.start();
  const online = await waitFor('server.online', async () => (await t.request('GET', `/api/activity?serverId=${id}&action=server.online`, { token: t.tokens.alice })).body.entries[0], 20000);
  expect(online).toMatchObject({ door: 'system', result: 'ok', targetName: 'own-sshd' });
  expect((await latestOf(id)).status).toBe('online');
  expect(await waitFor('the record online again', async () => ((await record()).status === 'online' ? await record() : null))).toMatchObject({ lastError: null });
  // Bob sees none of it.
  expect((await t.request('GET', `/api/activity?serverId=${id}`, { token: t.tokens.bob })).body.total).toBe(0);

  // Deleting the server takes its samples and rollups with it (rolled up here as if ten minutes had passed).
  await new Rollups(t.kernel.dataSource, { now: () => new Date(Date.now() + 600000) }, pino({ level: 'silent' })).run();
  const series = await serverSeries(t.kernel.dataSource, id);
  const rollupsOf = () => rowsOf(t.kernel.dataSource, 'metric_rollups', series);
  expect(await rollupsOf()).toBeGreaterThan(0);
  expect((await t.request('DELETE', `/api/servers/${id}`, { token: t.tokens.alice })).status).toBe(204);
  expect(await rowsOf(t.kernel.dataSource, 'metric_samples', series)).toBe(0);
  expect(await rollupsOf()).toBe(0);
  expect(await serverSeries(t.kernel.dataSource, id)).toBeNull();
}, 60000);
