import path from 'node:path';
import type { Command } from 'commander';
import type { ResolvedDatabaseConfig, TomoConfig } from '../../config/config-schema';
import { createDataSource, migrationStatus } from '../../db/create-data-source';
import { DATABASE_URL_RULE, describeDatabase, parseDatabaseUrl } from '../../db/database-url';
import { listTables } from '../../db/portable-sql';
import { runMigrationsOnce } from '../../db/run-migrations-once';
import { ConfigError } from '../../errors';
import type { Distribution } from '../create-cli';
import { fileLogOnly, makeKernel } from '../create-cli';
import { copyDatabase, type TableCopy } from './copy-database';

/** The target database from `--to`, checked like `database.url` (the error names the option, never its value). */
function targetOf(to: string, config: TomoConfig): ResolvedDatabaseConfig {
  const parsed = parseDatabaseUrl(to);
  if (!parsed) throw new ConfigError(`--to: ${DATABASE_URL_RULE}`, 'to');
  if (parsed.kind === 'sqlite' && !parsed.file) throw new ConfigError('--to: sqlite: needs a file (sqlite:/var/lib/tomo/tomo.db)', 'to');
  const target: ResolvedDatabaseConfig =
    parsed.kind === 'postgres'
      ? { kind: 'postgres', url: parsed.url, busyTimeoutMs: config.database.busyTimeoutMs, poolSize: 4 }
      : { kind: 'sqlite', file: path.resolve(parsed.file ?? ''), busyTimeoutMs: config.database.busyTimeoutMs };
  const same = target.kind === config.database.kind && (target.kind === 'sqlite' ? target.file === (config.database as { file: string }).file : target.url === (config.database as { url: string }).url);
  if (same) throw new ConfigError('--to: names the database Tomo is configured with; give the other one', 'to');
  return target;
}

const line = (c: TableCopy) => {
  const ok = c.sourceRows === c.targetRows && c.sourceChecksum === c.targetChecksum;
  return `${ok ? 'ok      ' : 'MISMATCH'}  ${c.table.padEnd(28)} ${String(c.sourceRows).padStart(9)} → ${String(c.targetRows).padEnd(9)} checksum ${c.sourceChecksum.slice(0, 12)}${ok ? '' : ` ≠ ${c.targetChecksum.slice(0, 12)}`}`;
};

/**
 * `tomo migrate-database --to <url>`: moves this instance's data to another database (SQLite to
 * PostgreSQL, or back), in one command: the target must be empty; it gets the schema by the same
 * migrations, then every row, in one transaction, verified table by table by row counts and
 * checksums read back from both. The configuration is not changed: the last lines say what to set.
 */
export function addMigrateDatabaseCommand(program: Command, dist: Distribution, getConfig: () => TomoConfig): void {
  program
    .command('migrate-database')
    .description('Copy all of Tomo\'s data into another, empty database (e.g. SQLite to PostgreSQL), verified by row counts and checksums')
    .requiredOption('--to <url>', 'the target: postgres://user[:password]@host[:port]/database (or PGPASSWORD for the password), or sqlite:<file>')
    .action(async (opts: { to: string }) => {
      const config = getConfig();
      const target = targetOf(opts.to, config);
      const { entities, migrations } = makeKernel(dist, fileLogOnly(config)).plannedSchema();
      const source = createDataSource({ database: config.database, entities, migrations });
      const destination = createDataSource({ database: target, entities, migrations });
      await source.initialize();
      try {
        const pending = (await migrationStatus(source)).filter((m) => !m.applied);
        if (pending.length) throw new ConfigError(`${describeDatabase(config.database)} has ${pending.length} migration(s) to apply first: run "tomo migrate"`, 'database');
        await destination.initialize();
        const present = await listTables(destination);
        if (present.length) throw new ConfigError(`${describeDatabase(target)} is not empty (it has ${present.length} table(s), e.g. ${present[0]}): give an empty database`, 'to');
        process.stdout.write(`Copying ${describeDatabase(config.database)} → ${describeDatabase(target)} (stop Tomo first: later writes are not copied)\n`);
        await runMigrationsOnce(destination);
        const { tables, notCopied } = await copyDatabase(source, destination, (c) => process.stdout.write(`${line(c)}\n`));
        if (notCopied.length) process.stdout.write(`not copied (no installed plugin declares them): ${notCopied.join(', ')}\n`);
        const bad = tables.filter((c) => c.sourceRows !== c.targetRows || c.sourceChecksum !== c.targetChecksum);
        const rows = tables.reduce((n, c) => n + c.targetRows, 0);
        if (bad.length) {
          process.stdout.write(`FAILED: ${bad.length} table(s) differ after the copy (${bad.map((c) => c.table).join(', ')}); keep using ${describeDatabase(config.database)}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`Copied and verified ${tables.length} tables, ${rows} rows.\n`);
        process.stdout.write(
          target.kind === 'postgres'
            ? 'Next: set database.url in the config file (or TOMO_DATABASE_URL) to that URL, and restart Tomo. Keep the SQLite file until you are satisfied; the vault key file stays where it is (every instance needs the same one).\n'
            : `Next: set database.url to sqlite:${target.file} (or remove database.url to use the data folder's file), and restart Tomo.\n`,
        );
      } finally {
        await source.destroy();
        if (destination.isInitialized) await destination.destroy();
      }
    });
}
