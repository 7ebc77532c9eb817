import { listTables } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { authPlugin } from '../src/plugin';

// On the engine the suite runs on (a fresh SQLite file, or a fresh PostgreSQL database when
// TOMO_TEST_DATABASE_URL is set): the kernel applies the auth migrations at start.
test('the auth migrations apply on a fresh database, match the entities, and revert cleanly', async () => {
  const t = await startTestKernel({ plugins: [authPlugin], listen: false });
  try {
    const ds = t.kernel.dataSource;
    const tables = async () => (await listTables(ds)).filter((name) => name.startsWith('auth_'));
    expect(await tables()).toEqual(['auth_api_tokens', 'auth_login_throttle', 'auth_oidc_identities', 'auth_passkeys', 'auth_recovery_codes', 'auth_sessions', 'auth_users']);
    // The entities match the migrated schema: TypeORM would generate no further change.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    // The auth plugin's migrations are the last to have run (the only plugin here).
    for (let i = 0; i < (authPlugin.migrations ?? []).length; i++) await ds.undoLastMigration();
    expect(await tables()).toEqual([]);
  } finally {
    await t.stop();
  }
});
