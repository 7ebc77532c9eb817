/**
 * The activity log's table across the move from the monitoring plugin: created on a fresh
 * database, and adopted as it is (entries kept, nothing re-created) on a database made by release
 * 0.1, where monitoring's migration created it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { startTestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { activityPlugin } from '../src/plugin';
import { ACTIVITY_PLUGINS, ACTIVITY_MODULES } from './support/activity-plugins';
import { MonitoringInitial1764900000000 as Release01ActivityTable } from './support/release-0.1-activity-table';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-activity-mig-'));
const schemaOf = async (ds: DataSource) =>
  (await ds.query("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'activity_log' ORDER BY name")) as Array<{ type: string; name: string; sql: string | null }>;

test('on a fresh SQLite file the activity migration creates the table and its indices, and reverts cleanly', async () => {
  const dir = tempDir();
  const ds = new DataSource({ type: 'better-sqlite3', database: path.join(dir, 'db.sqlite'), entities: [...(activityPlugin.entities ?? [])], migrations: [...(activityPlugin.migrations ?? [])] });
  await ds.initialize();
  try {
    await ds.runMigrations();
    const schema = await schemaOf(ds);
    expect(schema.map((r) => r.name)).toEqual(['IDX_activity_log_action', 'IDX_activity_log_at', 'IDX_activity_log_ownerId', 'IDX_activity_log_serverId', 'IDX_activity_log_userId', 'activity_log', 'sqlite_autoindex_activity_log_1']);
    // The same table release 0.1 made, to the column: backups and tools see no difference.
    expect(schema.filter((r) => r.sql).map((r) => r.sql).sort()).toEqual([...Release01ActivityTable.statements].sort());
    // The entity matches the migrated schema: TypeORM would generate no further change.
    expect((await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
    await ds.undoLastMigration();
    expect(await schemaOf(ds)).toEqual([]);
  } finally {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a database made by release 0.1 upgrades: the table is adopted with its entries, which read and grow as before', async () => {
  const dataDir = tempDir();
  // Release 0.1's schema: every built-in plugin's migrations, with monitoring's first one as it
  // shipped (it created the activity log) and without the activity plugin's.
  const release01 = ACTIVITY_PLUGINS.filter((p) => p !== activityPlugin)
    .flatMap((p) => p.migrations ?? [])
    .map((m) => (m.name === 'MonitoringInitial1764900000000' ? Release01ActivityTable : m));
  const old = new DataSource({ type: 'better-sqlite3', database: path.join(dataDir, 'tomo.db'), migrations: release01 });
  await old.initialize();
  const kept = Array.from({ length: 3 }, (_, i) => ({ id: randomUUID(), at: `2026-01-0${i + 1} 10:00:00.000`, action: `server.update`, detail: `rename ${i}` }));
  let schemaBefore: Awaited<ReturnType<typeof schemaOf>>;
  try {
    await old.runMigrations();
    for (const e of kept) await old.query(`INSERT INTO activity_log (id, at, username, action, result, door, targetType, targetName, detail) VALUES (?, ?, 'admin', ?, 'ok', 'api', 'server', 'alpha', ?)`, [e.id, e.at, e.action, e.detail]);
    schemaBefore = await schemaOf(old);
    expect(schemaBefore.length).toBeGreaterThan(1);
  } finally {
    await old.destroy();
  }

  const t = await startTestKernel({ plugins: ACTIVITY_PLUGINS, modules: ACTIVITY_MODULES, dataDir, config: { monitoring: { intervalSeconds: 3600 } } });
  try {
    const ran = (await t.kernel.dataSource.query('SELECT name FROM migrations ORDER BY id')) as Array<{ name: string }>;
    expect(ran.filter((r) => /^(MonitoringInitial|ActivityLog)/.test(r.name)).map((r) => r.name)).toEqual(['MonitoringInitial1764900000000', 'ActivityLog1765100000000']);
    // Adopted, not re-created: the same table and indices, the same rows.
    expect(await schemaOf(t.kernel.dataSource)).toEqual(schemaBefore);
    const rows = (await t.kernel.dataSource.query('SELECT id FROM activity_log ORDER BY at')) as Array<{ id: string }>;
    expect(rows.map((r) => r.id)).toEqual(kept.map((e) => e.id));

    // Read through the new route and the old one, and written by the new plugin.
    await t.kernel.resolve(AuthTokens.UserService).create({ username: 'admin', password: 'admin-password-1234', email: 'a@example.com', role: 'admin' }, { transport: 'cli', clientIp: 'local', requestId: 'test', log: t.kernel.logger });
    const token = (await t.request('POST', '/api/auth/login', { body: { username: 'admin', password: 'admin-password-1234' } })).body.token as string;
    const renames = await t.request('GET', '/api/activity?action=server.update', { token });
    expect(renames.body.entries.map((e: { detail: string }) => e.detail)).toEqual(['rename 2', 'rename 1', 'rename 0']);
    expect((await t.request('GET', '/api/logs?action=server.update', { token })).body).toEqual(renames.body);
    expect((await t.request('GET', '/api/activity?action=auth.login', { token })).body.entries).toEqual([expect.objectContaining({ username: 'admin', door: 'api' })]);
  } finally {
    await t.stop();
  }
});

test('the old key monitoring.activityRetentionDays stops start-up, naming the new one', async () => {
  await expect(startTestKernel({ plugins: ACTIVITY_PLUGINS, modules: ACTIVITY_MODULES, listen: false, config: { monitoring: { activityRetentionDays: 30 } } })).rejects.toThrow(
    /Invalid configuration: monitoring: monitoring\.activityRetentionDays has moved to activity\.retentionDays/,
  );
});
