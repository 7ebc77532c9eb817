/**
 * The activity log's reading side against seeded entries whose answers are known: every filter
 * (server, action exact and prefix, user, from/to boundaries, text search with LIKE's wildcards
 * taken literally), page boundaries, validation, ownership (a `user` sees only what they did or
 * what concerns their servers), the same through MCP, and that nothing can edit or delete an
 * entry (acceptance 4 and 5). Retention by age closes the file.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestKernel } from '@tomo/kernel/testing';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { ActivityLogService } from '../src/activity-log';
import { ActivityTokens, type ActivityInput } from '../src/api';
import { ActivityEntryEntity } from '../src/entities/activity-entry.entity';
import { startMonitoringKernel, type MonitoringKernel } from '../../monitoring/test/support/monitoring-kernel';
import { ACTIVITY_PLUGINS } from './support/activity-plugins';

let t: MonitoringKernel;
let aliceMcp: Client;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3600 * 1000;
const at = (i: number) => new Date(T0 + i * HOUR);
const S1 = randomUUID(); // alice's server
const S2 = randomUUID(); // bob's server

beforeAll(async () => {
  t = await startMonitoringKernel();
  const { alice, bob, admin } = t.ids;
  const seeds: Array<Omit<ActivityInput, 'at'>> = [
    /* 0 */ { action: 'auth.login', result: 'ok', door: 'api', userId: alice, username: 'alice', ownerId: alice, targetType: 'user', targetId: alice, targetName: 'alice' },
    /* 1 */ { action: 'auth.login_failed', result: 'failed', door: 'api', targetType: 'user', targetName: 'mallory', detail: 'wrong username or password' },
    /* 2 */ { action: 'server.add', result: 'ok', door: 'console', userId: alice, username: 'alice', ownerId: alice, serverId: S1, targetType: 'server', targetId: S1, targetName: 'alpha-box', detail: 'tomotest@10.0.0.1:22' },
    /* 3 */ { action: 'server.add', result: 'ok', door: 'api', userId: bob, username: 'bob', ownerId: bob, serverId: S2, targetType: 'server', targetId: S2, targetName: 'Beta_Box' },
    /* 4 */ { action: 'app.install', result: 'ok', door: 'mcp', userId: alice, username: 'alice', ownerId: alice, serverId: S1, targetType: 'app', targetName: 'Web 100% Hello' },
    /* 5 */ { action: 'app.install', result: 'failed', door: 'api', userId: bob, username: 'bob', ownerId: bob, serverId: S2, targetType: 'app', targetName: 'Nextcloud', detail: 'port 80 is taken' },
    /* 6 */ { action: 'app.stop', result: 'ok', door: 'console', userId: admin, username: 'admin', ownerId: alice, serverId: S1, targetType: 'app', targetName: 'Web 100% Hello' },
    /* 7 */ { action: 'preparation.completed', result: 'ok', door: 'system', ownerId: alice, serverId: S1, targetType: 'server', targetId: S1, targetName: 'alpha-box' },
    /* 8 */ { action: 'preparation.failed', result: 'failed', door: 'system', ownerId: bob, serverId: S2, targetType: 'server', targetId: S2, targetName: 'Beta_Box', detail: 'failed at install-docker: apt failed' },
    /* 9 */ { action: 'server.offline', result: 'failed', door: 'system', ownerId: alice, serverId: S1, targetType: 'server', targetId: S1, targetName: 'alpha-box', detail: 'connection refused' },
    /* 10 */ { action: 'auth.login', result: 'ok', door: 'api', userId: bob, username: 'bob', ownerId: bob, targetType: 'user', targetId: bob, targetName: 'bob' },
    /* 11 */ { action: 'app.uninstall', result: 'ok', door: 'api', userId: bob, username: 'bob', ownerId: bob, serverId: S2, targetType: 'app', targetName: 'Nextcloud', detail: 'data kept' },
  ];
  // Only the seeds: the set-up's own entries (users created, logins) would blur the answers.
  await t.kernel.dataSource.getRepository(ActivityEntryEntity).clear();
  const log = t.kernel.resolve(ActivityTokens.ActivityLog);
  for (const [i, seed] of seeds.entries()) await log.record({ ...seed, at: at(i) });
  aliceMcp = await connectMcp(t.url, t.tokens.alice);
});
afterAll(async () => {
  await aliceMcp?.close();
  await t?.stop();
});

/** The seed indexes of the entries answered, in answer order. */
const indexes = (entries: Array<{ at: string }>) => entries.map((e) => (Date.parse(e.at) - T0) / HOUR);
const get = async (query: Record<string, string | number>, token = t.tokens.admin) => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await t.request('GET', `/api/activity${qs ? `?${qs}` : ''}`, { token });
  expect(res.status).toBe(200);
  return { ...res.body, idx: indexes(res.body.entries) } as { idx: number[]; total: number; page: number; pageSize: number; entries: any[] };
};
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, k) => from - k);

describe('filters (admin: every entry)', () => {
  test('no filter: all twelve, newest first, with every field', async () => {
    const all = await get({});
    expect(all).toMatchObject({ total: 12, page: 1, pageSize: 50 });
    expect(all.idx).toEqual(range(11, 0));
    expect(all.entries[9]).toEqual({
      id: expect.any(String),
      at: '2026-01-01T02:00:00.000Z',
      userId: t.ids.alice,
      username: 'alice',
      action: 'server.add',
      targetType: 'server',
      targetId: S1,
      targetName: 'alpha-box',
      serverId: S1,
      result: 'ok',
      detail: 'tomotest@10.0.0.1:22',
      door: 'console',
      clientIp: null,
      summary: 'alice added server alpha-box',
    });
  });

  test('serverId', async () => {
    expect((await get({ serverId: S1 })).idx).toEqual([9, 7, 6, 4, 2]);
    expect((await get({ serverId: S2 })).idx).toEqual([11, 8, 5, 3]);
    expect((await get({ serverId: randomUUID() })).idx).toEqual([]);
  });

  test('action: exact, or a prefix ending at a dot', async () => {
    expect((await get({ action: 'app.install' })).idx).toEqual([5, 4]);
    expect((await get({ action: 'app' })).idx).toEqual([11, 6, 5, 4]);
    expect((await get({ action: 'app.*' })).idx).toEqual([11, 6, 5, 4]);
    expect((await get({ action: 'auth.login' })).idx).toEqual([10, 0]);
    expect((await get({ action: 'auth.login_failed' })).idx).toEqual([1]);
    expect((await get({ action: 'auth' })).idx).toEqual([10, 1, 0]);
    expect((await get({ action: 'preparation' })).idx).toEqual([8, 7]);
    expect((await get({ action: 'app.in' })).idx).toEqual([]);
    // "_" in a prefix is a letter, not LIKE's one-character wildcard.
    expect((await get({ action: 'auth_login' })).idx).toEqual([]);
  });

  test('userId (who did it)', async () => {
    expect((await get({ userId: t.ids.alice })).idx).toEqual([4, 2, 0]);
    expect((await get({ userId: t.ids.bob })).idx).toEqual([11, 10, 5, 3]);
    expect((await get({ userId: t.ids.admin })).idx).toEqual([6]);
  });

  test('from is inclusive, to exclusive, to the millisecond', async () => {
    expect((await get({ from: at(4).toISOString() })).idx).toEqual(range(11, 4));
    expect((await get({ from: new Date(T0 + 4 * HOUR + 1).toISOString() })).idx).toEqual(range(11, 5));
    expect((await get({ to: at(4).toISOString() })).idx).toEqual([3, 2, 1, 0]);
    expect((await get({ to: new Date(T0 + 4 * HOUR + 1).toISOString() })).idx).toEqual([4, 3, 2, 1, 0]);
    expect((await get({ from: at(4).toISOString(), to: at(7).toISOString() })).idx).toEqual([6, 5, 4]);
    expect((await get({ from: '2026-01-01', to: '2026-01-02' })).idx).toEqual(range(11, 0));
    expect((await get({ from: '2026-01-02' })).idx).toEqual([]);
  });

  test('q searches target name and detail, case-insensitive, with % and _ taken literally', async () => {
    expect((await get({ q: 'web 100%' })).idx).toEqual([6, 4]);
    expect((await get({ q: '%' })).idx).toEqual([6, 4]);
    expect((await get({ q: '_' })).idx).toEqual([8, 3]);
    expect((await get({ q: 'NEXTCLOUD' })).idx).toEqual([11, 5]);
    expect((await get({ q: 'refused' })).idx).toEqual([9]);
    expect((await get({ q: 'alpha' })).idx).toEqual([9, 7, 2]);
    expect((await get({ q: 'nothing like it' })).idx).toEqual([]);
  });

  test('filters combine', async () => {
    expect((await get({ serverId: S1, action: 'app', from: at(5).toISOString() })).idx).toEqual([6]);
    expect((await get({ serverId: S2, q: 'nextcloud', action: 'app.install' })).idx).toEqual([5]);
  });
});

describe('pages', () => {
  test('page boundaries: 5 + 5 + 2, then an empty page; total is always the whole match', async () => {
    const pages = await Promise.all([1, 2, 3, 4].map((page) => get({ pageSize: 5, page })));
    expect(pages.map((p) => p.idx)).toEqual([range(11, 7), range(6, 2), [1, 0], []]);
    for (const [i, p] of pages.entries()) expect(p).toMatchObject({ total: 12, page: i + 1, pageSize: 5 });
    expect((await get({ pageSize: 12 })).idx).toEqual(range(11, 0));
    expect((await get({ pageSize: 12, page: 2 })).idx).toEqual([]);
    expect((await get({ pageSize: 11, page: 2 })).idx).toEqual([0]);
    expect((await get({ pageSize: 200 })).idx).toEqual(range(11, 0));
    expect((await get({ action: 'app', pageSize: 3, page: 2 })).idx).toEqual([4]);
    expect((await get({ action: 'app', pageSize: 3, page: 2 })).total).toBe(4);
  });

  test.each([
    [{ pageSize: '201' }, 'pageSize'],
    [{ pageSize: '0' }, 'pageSize'],
    [{ page: '0' }, 'page'],
    [{ page: 'two' }, 'page'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-45' }, 'to'],
    [{ action: "app' OR 1=1 --" }, 'action'],
    [{ serverId: 'not-a-uuid' }, 'serverId'],
    [{ userId: '1' }, 'userId'],
    [{ sort: 'at' }, 'sort'],
  ])('%j is refused with 400 naming the field', async (query, field) => {
    const res = await t.request('GET', `/api/activity?${new URLSearchParams(query as Record<string, string>).toString()}`, { token: t.tokens.admin });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  test('without a credential: 401', async () => {
    expect((await t.request('GET', '/api/activity')).status).toBe(401);
    expect((await t.request('GET', '/api/logs')).status).toBe(401);
  });

  test('/api/logs, the deprecated old path, answers exactly as /api/activity (filters, validation)', async () => {
    for (const query of ['', '?action=app&pageSize=1&page=2', '?q=ALPHA']) {
      const old = await t.request('GET', `/api/logs${query}`, { token: t.tokens.alice });
      expect(old.status).toBe(200);
      expect(old.body).toEqual((await t.request('GET', `/api/activity${query}`, { token: t.tokens.alice })).body);
    }
    expect((await t.request('GET', '/api/logs?pageSize=201', { token: t.tokens.admin })).body.error.field).toBe('pageSize');
    const documented = t.kernel.routes.all().find((r) => r.definition.path === '/api/logs');
    expect(documented?.definition.summary).toMatch(/^Deprecated: .*\/api\/activity/);
  });
});

describe('ownership (acceptance 5)', () => {
  test('a user sees what they did and what concerns their servers, nothing of another user', async () => {
    expect((await get({}, t.tokens.alice)).idx).toEqual([9, 7, 6, 4, 2, 0]);
    expect((await get({}, t.tokens.alice)).total).toBe(6);
    expect((await get({}, t.tokens.bob)).idx).toEqual([11, 10, 8, 5, 3]);
    // Filters never widen it.
    expect((await get({ serverId: S2 }, t.tokens.alice)).idx).toEqual([]);
    expect((await get({ userId: t.ids.bob }, t.tokens.alice)).idx).toEqual([]);
    expect((await get({ q: 'nextcloud' }, t.tokens.alice)).idx).toEqual([]);
    expect((await get({ serverId: S1 }, t.tokens.bob)).total).toBe(0);
    // Failed logins of unknown names are an admin's business only.
    expect((await get({ action: 'auth.login_failed' }, t.tokens.alice)).idx).toEqual([]);
    // An admin's action on alice's server is hers to see.
    expect((await get({ userId: t.ids.admin }, t.tokens.alice)).idx).toEqual([6]);
  });

  test('the same through MCP: get_activity_logs with snake_case arguments', async () => {
    const call = async (args: Record<string, unknown>) => {
      const r = resultText(await aliceMcp.callTool({ name: 'get_activity_logs', arguments: args }));
      return r.isError ? r : { ...r.structured, idx: indexes(r.structured.entries) };
    };
    expect(await call({})).toMatchObject({ idx: [9, 7, 6, 4, 2, 0], total: 6, page: 1, pageSize: 50 });
    expect(await call({ action: 'app', page_size: 1, page: 2 })).toMatchObject({ idx: [4], total: 2, page: 2, pageSize: 1 });
    expect(await call({ server_id: S1, from: at(4).toISOString(), to: at(9).toISOString() })).toMatchObject({ idx: [7, 6, 4] });
    expect(await call({ q: 'ALPHA', user_id: t.ids.alice })).toMatchObject({ idx: [2] });
    expect(await call({ server_id: S2 })).toMatchObject({ idx: [], total: 0 });
    const bad = await call({ page_size: 500 });
    expect(bad).toMatchObject({ isError: true, error: { field: 'page_size' } });
    expect((bad as { text: string }).text).toMatch(/page_size/);
  });

  test('get_activity_logs still takes the old camelCase names (deprecated, for one release); the same value under both names is fine, different values are refused', async () => {
    const call = async (args: Record<string, unknown>) => {
      const r = resultText(await aliceMcp.callTool({ name: 'get_activity_logs', arguments: args }));
      return r.isError ? r : { ...r.structured, idx: indexes(r.structured.entries) };
    };
    expect(await call({ action: 'app', pageSize: 1, page: 2 })).toMatchObject({ idx: [4], total: 2, page: 2, pageSize: 1 });
    expect(await call({ serverId: S1, from: at(4).toISOString(), to: at(9).toISOString() })).toMatchObject({ idx: [7, 6, 4] });
    expect(await call({ q: 'ALPHA', userId: t.ids.alice })).toMatchObject({ idx: [2] });
    expect(await call({ serverId: S1, server_id: S1, pageSize: 2, page_size: 2 })).toMatchObject({ idx: [9, 7], pageSize: 2 });
    const clash = await call({ server_id: S1, serverId: S2 });
    expect(clash).toMatchObject({ isError: true, error: { code: 'validation_failed', field: 'serverId' } });
    expect((clash as { text: string }).text).toMatch(/server_id and serverId/);
    const { tools } = await aliceMcp.listTools();
    const tool = tools.find((x) => x.name === 'get_activity_logs')!;
    expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['server_id', 'user_id', 'page_size', 'serverId', 'userId', 'pageSize']));
    expect((tool.inputSchema.properties as Record<string, { description?: string }>).serverId.description).toMatch(/^Deprecated .*server_id/);
    expect(tool.description).toMatch(/serverId, userId and pageSize are deprecated/);
  });
});

describe('append-only (acceptance 5)', () => {
  test('every route of the activity plugin is a GET, and no route anywhere edits or deletes log entries', async () => {
    const mine = t.kernel.routes.all().filter((r) => r.owner === 'activity');
    expect(mine.map((r) => `${r.definition.method} ${r.definition.path}`)).toEqual(['GET /api/activity', 'GET /api/logs']);
    const writesOnLogs = t.kernel.routes
      .all()
      .filter((r) => ['DELETE', 'PUT', 'PATCH', 'POST'].includes(r.definition.method) && /\/(logs|activity)(\/|$)/.test(r.definition.path) && !/\/preparation\//.test(r.definition.path));
    expect(writesOnLogs).toEqual([]);
    for (const method of ['DELETE', 'PUT', 'PATCH', 'POST']) {
      for (const path of ['/api/activity', '/api/logs']) {
        const res = await t.request(method, path, { token: t.tokens.admin, body: {} });
        expect([404, 405]).toContain(res.status);
      }
    }
    expect((await get({})).total).toBe(12);
  });

  test('its MCP tool only reads', () => {
    const mine = t.kernel.tools.all().filter((tool) => tool.owner === 'activity');
    expect(mine.map((tool) => tool.definition.name)).toEqual(['get_activity_logs']);
    for (const tool of mine) expect(tool.definition.annotations).toMatchObject({ readOnlyHint: true });
    const editing = t.kernel.tools.all().filter((tool) => /(delete|edit|update|clear|remove|purge)_?(activity|log)/.test(tool.definition.name));
    expect(editing).toEqual([]);
  });
});

describe('retention', () => {
  test('entries older than the retention go, the rest stay (prune)', async () => {
    const log = new ActivityLogService(t.kernel.dataSource, { now: () => new Date() }, t.kernel.logger);
    const old = new Date(Date.now() - 400 * 24 * HOUR);
    await log.record({ action: 'auth.login', result: 'ok', door: 'api', at: old, userId: t.ids.bob, ownerId: t.ids.bob });
    const before = new Date(Date.now() - 399 * 24 * HOUR).toISOString();
    expect((await get({ to: before })).total).toBe(1);
    expect(await log.prune(365)).toBe(1);
    expect((await get({ to: before })).total).toBe(0);
    expect((await get({ action: 'auth.login' })).total).toBeGreaterThan(0);
  });

  test('the daily job runs at start with activity.retentionDays', async () => {
    const config = { activity: { retentionDays: 30 }, monitoring: { intervalSeconds: 3600 } };
    const k = await startTestKernel({ plugins: ACTIVITY_PLUGINS, listen: false, config });
    try {
      const log = k.kernel.resolve(ActivityTokens.ActivityLog);
      await log.record({ action: 'a.old', result: 'ok', door: 'system', at: new Date(Date.now() - 31 * 24 * HOUR) });
      await log.record({ action: 'a.new', result: 'ok', door: 'system', at: new Date(Date.now() - 29 * 24 * HOUR) });
      await k.stop({ keepData: true });
      const again = await startTestKernel({ plugins: ACTIVITY_PLUGINS, listen: false, dataDir: k.dataDir, config });
      try {
        const left = await again.kernel.dataSource.getRepository(ActivityEntryEntity).find();
        expect(left.map((e) => e.action)).toEqual(['a.new']);
        expect(again.logs().some((l) => l.includes('1 entry older than 30 days removed'))).toBe(true);
      } finally {
        await again.stop();
      }
    } finally {
      fs.rmSync(k.dataDir, { recursive: true, force: true });
    }
  });
});
