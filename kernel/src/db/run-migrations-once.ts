import type { DataSource, Migration } from 'typeorm';

/**
 * A fixed key for PostgreSQL's advisory lock that serialises migrations ("tomo" + "migr" in
 * ASCII): several instances started together on one database must not all run them at once.
 */
const MIGRATION_LOCK_KEY = 0x746f6d6f6d696772n;

/**
 * Applies the pending migrations, each in its own transaction. On PostgreSQL several Tomo
 * instances may start at the same moment: the first takes a session advisory lock, the others
 * wait for it, and then find nothing left to apply. SQLite needs no lock: one file, and its own
 * write lock already serialises two processes.
 */
export async function runMigrationsOnce(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'postgres') return dataSource.runMigrations({ transaction: 'each' });
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    await lockHolder.release();
  }
}
