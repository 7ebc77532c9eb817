import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { authPlugin } from '../src/plugin';

test('the auth migrations apply on a fresh SQLite file and revert cleanly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-auth-mig-'));
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: path.join(dir, 'db.sqlite'),
    entities: [...(authPlugin.entities ?? [])],
    migrations: [...(authPlugin.migrations ?? [])],
  });
  await ds.initialize();
  try {
    await ds.runMigrations();
    const tables = async () => (await ds.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'auth_%' ORDER BY name")).map((r: { name: string }) => r.name);
    expect(await tables()).toEqual(['auth_api_tokens', 'auth_oidc_identities', 'auth_passkeys', 'auth_recovery_codes', 'auth_sessions', 'auth_users']);
    // The entities match the migrated schema: TypeORM would generate no further change.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    for (let i = 0; i < (authPlugin.migrations ?? []).length; i++) await ds.undoLastMigration();
    expect(await tables()).toEqual([]);
  } finally {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
