import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { TomoConfig } from '../../config/config-schema';
import { createDataSource, migrationStatus } from '../../db/create-data-source';
import type { ClassType, DoctorFinding, EntityType } from '../../plugin/plugin-types';

/** What the database checks found; `pending` > 0 or a failed integrity check keeps the plugin checks from running. */
export interface DatabaseFindings {
  findings: DoctorFinding[];
  usable: boolean;
}

/** SQLite's own integrity check (read-only), then the migrations the installed plugins have and the file lacks. */
export async function databaseFindings(config: TomoConfig, schema: { entities: EntityType[]; migrations: ClassType[] }): Promise<DatabaseFindings> {
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

  const dataSource = createDataSource({ file, busyTimeoutMs: config.database.busyTimeoutMs, entities: schema.entities, migrations: schema.migrations });
  await dataSource.initialize();
  try {
    const pending = (await migrationStatus(dataSource)).filter((s) => !s.applied).map((s) => s.name);
    const migrations: DoctorFinding = pending.length
      ? { check: 'migrations', ok: false, detail: `${pending.length} pending: ${pending.join(', ')} (Tomo applies them at start; or run tomo migrate)` }
      : { check: 'migrations', ok: true, detail: `all ${schema.migrations.length} applied` };
    return { usable: pending.length === 0, findings: [integrity, migrations] };
  } finally {
    await dataSource.destroy();
  }
}
