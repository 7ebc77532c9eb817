/**
 * The alerts plugin's tables: created by its migrations on a fresh database exactly as its
 * entities describe them (TypeORM would generate no further change), and reverted cleanly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { alertsPlugin } from '../src/plugin';

const tables = async (ds: DataSource) =>
  ((await ds.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'alert%' ORDER BY name")) as Array<{ name: string }>).map((r) => r.name);

test('on a fresh SQLite file the alerts migrations create rules, alerts, silences, channels and delivery attempts matching the entities, and revert cleanly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-alerts-mig-'));
  const ds = new DataSource({ type: 'better-sqlite3', database: path.join(dir, 'db.sqlite'), entities: [...(alertsPlugin.entities ?? [])], migrations: [...(alertsPlugin.migrations ?? [])] });
  await ds.initialize();
  try {
    await ds.runMigrations();
    expect(await tables(ds)).toEqual(['alert_channels', 'alert_delivery_attempts', 'alert_rules', 'alert_silences', 'alerts']);
    expect((await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
    for (const _ of alertsPlugin.migrations ?? []) await ds.undoLastMigration();
    expect(await tables(ds)).toEqual([]);
  } finally {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
