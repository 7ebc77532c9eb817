import Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { BackupError } from '../errors';
import { PostgresBackupDb, SqliteBackupDb, type BackupDb } from './backup-db';

/** The database an import checks (read-only) and then writes (one transaction). */
export interface ImportTarget {
  /** Runs `work` on a read-only view of the database. */
  read<T>(work: (db: BackupDb) => Promise<T>): Promise<T>;
  /** Runs `work` in one write transaction: committed when it returns, rolled back when it throws. */
  write<T>(work: (db: BackupDb) => Promise<T>): Promise<T>;
}

/**
 * SQLite: connections of the import's own on the file (as earlier releases did). The write takes
 * the write lock up front (`BEGIN IMMEDIATE`): the kernel's writers wait for the import, not the
 * other way round half-way through it.
 */
export function sqliteImportTarget(file: string, busyTimeoutMs: number): ImportTarget {
  return {
    async read(work) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return await work(new SqliteBackupDb(db));
      } finally {
        db.close();
      }
    },
    async write(work) {
      const db = new Database(file, { fileMustExist: true });
      db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
      db.pragma('foreign_keys = ON');
      try {
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch {
          throw new BackupError('busy', 'The database is busy with another write; try the import again');
        }
        const result = await work(new SqliteBackupDb(db));
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      } finally {
        db.close();
      }
    },
  };
}

/**
 * PostgreSQL: a connection of the kernel's pool. The check reads one consistent view (a
 * read-only REPEATABLE READ transaction); the write is one transaction, so a failure half-way
 * leaves nothing behind. A lock it waits for longer than the kernel's lock_timeout is "busy".
 */
export function postgresImportTarget(dataSource: DataSource): ImportTarget {
  const on = async <T>(begin: string, commit: boolean, work: (db: BackupDb) => Promise<T>): Promise<T> => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      await runner.query(begin);
      open = true;
      const result = await work(new PostgresBackupDb(runner));
      await runner.query(commit ? 'COMMIT' : 'ROLLBACK');
      open = false;
      return result;
    } catch (err) {
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      const failed = err as { code?: string; driverError?: { code?: string } };
      if ((failed.driverError?.code ?? failed.code) === '55P03') {
        throw new BackupError('busy', 'The database is busy with another write; try the import again');
      }
      throw withoutParameters(err);
    } finally {
      await runner.release();
    }
  };
  return {
    read: (work) => on('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY', false, work),
    write: (work) => on('START TRANSACTION ISOLATION LEVEL READ COMMITTED', true, work),
  };
}

/**
 * TypeORM's query errors carry the statement's parameters: the row's values (a password hash, a
 * sealed secret), which a logger serializing the error would write out. The message (the
 * database's own words) is kept; the values are not.
 */
export function withoutParameters(err: unknown): unknown {
  if (!(err instanceof Error) || !('parameters' in err)) return err;
  const plain = new Error(err.message);
  plain.name = err.name;
  return plain;
}
