import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { TomoConfig } from '../../config/config-schema';
import { createDataSource, migrationStatus } from '../../db/create-data-source';
import { describeDatabase } from '../../db/database-url';
import type { ClassType, DoctorFinding, EntityType } from '../../plugin/plugin-types';

/** What the database checks found; `pending` > 0 or a failed integrity check keeps the plugin checks from running. */
export interface DatabaseFindings {
  findings: DoctorFinding[];
  usable: boolean;
}

/**
 * SQLite: its own integrity check (read-only), then the migrations. PostgreSQL: that it answers
 * (the server checks its own pages), then the migrations the installed plugins have and it lacks.
 */
export async function databaseFindings(config: TomoConfig, schema: { entities: EntityType[]; migrations: ClassType[] }): Promise<DatabaseFindings> {
  if (config.database.kind === 'postgres') return migrationFindings(config, schema, undefined);
  const file = config.database.file;
  if (!fs.existsSync(file)) {
    return { usable: false, findings: [{ check: 'database', ok: false, detail: `${file} does not exist: start Tomo once (or run tomo migrate) to create it` }] };
  }
  let rows: Array<{ integrity_check: string }>;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: config.database.busyTimeoutMs });
    try {
      rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    } finally {
      db.close();
    }
  } catch (err) {
    return { usable: false, findings: [{ check: 'database', ok: false, detail: `${file} cannot be read as SQLite: ${(err as Error).message}` }] };
  }
  const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
  const integrity: DoctorFinding = problems.length
    ? { check: 'database', ok: false, detail: `${file}: PRAGMA integrity_check found ${problems.length} problem(s): ${problems.slice(0, 3).join('; ')} (restore from a backup)` }
    : { check: 'database', ok: true, detail: `${file}: integrity check ok` };
  if (problems.length) return { usable: false, findings: [integrity] };
  return migrationFindings(config, schema, integrity);
}

/** The migrations the installed plugins have and the database lacks (after `before`, when given). */
async function migrationFindings(config: TomoConfig, schema: { entities: EntityType[]; migrations: ClassType[] }, before: DoctorFinding | undefined): Promise<DatabaseFindings> {
  const dataSource = createDataSource({ database: config.database, entities: schema.entities, migrations: schema.migrations });
  try {
    await dataSource.initialize();
  } catch (err) {
    // pg's messages name the host and user, never the password.
    return { usable: false, findings: [{ check: 'database', ok: false, detail: `${describeDatabase(config.database)} cannot be reached: ${(err as Error).message}` }] };
  }
  try {
    const pending = (await migrationStatus(dataSource)).filter((s) => !s.applied).map((s) => s.name);
    const migrations: DoctorFinding = pending.length
      ? { check: 'migrations', ok: false, detail: `${pending.length} pending: ${pending.join(', ')} (Tomo applies them at start; or run tomo migrate)` }
      : { check: 'migrations', ok: true, detail: `all ${schema.migrations.length} applied` };
    const reached: DoctorFinding = { check: 'database', ok: true, detail: `${describeDatabase(config.database)} answers` };
    return { usable: pending.length === 0, findings: [before ?? reached, migrations] };
  } finally {
    await dataSource.destroy();
  }
}
