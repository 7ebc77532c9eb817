/**
 * On the engine the suite runs on (SQLite, or PostgreSQL with TOMO_TEST_DATABASE_URL), the tables
 * the migrations of auth, servers, preparation and the activity log make are the ones their
 * entities describe: TypeORM would generate no change for them. On PostgreSQL this is where a
 * SQLite-only spelling in a migration, or a column type the entity reads differently, shows.
 */
import { listTables } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { ACTIVITY_MODULES, ACTIVITY_PLUGINS } from './support/activity-plugins';

const OWN_TABLES = ['activity_log', 'auth_api_tokens', 'auth_oidc_identities', 'auth_passkeys', 'auth_recovery_codes', 'auth_sessions', 'auth_users', 'preparation_logs', 'preparations', 'servers'];

test('the migrated tables of auth, servers, preparation and activity match their entities', async () => {
  const t = await startTestKernel({ plugins: ACTIVITY_PLUGINS, modules: ACTIVITY_MODULES, listen: false, config: { monitoring: { intervalSeconds: 3600 } } });
  try {
    const ds = t.kernel.dataSource;
    expect((await listTables(ds)).filter((name) => OWN_TABLES.includes(name))).toEqual(OWN_TABLES);
    const pending = (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    // Only these plugins' tables: the other plugins' schemas are their own tests' business.
    const mentions = (query: string) => OWN_TABLES.some((table) => new RegExp(`"${table}"|\\b${table}\\b`).test(query));
    expect(pending.filter(mentions)).toEqual([]);
  } finally {
    await t.stop();
  }
});
