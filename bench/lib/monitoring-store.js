'use strict';
// Where bench/monitoring-history.js writes its generated history: the migrated SQLite file of
// the run, or its PostgreSQL database (bench/lib/bench-database.js). The same operations on
// both, written as each engine is fastest at them (prepared statements in one transaction on
// SQLite; multi-row INSERTs on PostgreSQL), and a TypeORM DataSource for the built rollup job.
const fs = require('node:fs');

/** PostgreSQL takes at most 65,535 parameters per statement: rows per INSERT at 14 columns. */
const PG_ROWS_PER_INSERT = 4000;

const quote = (name) => `"${name}"`;

/** A store on SQLite `dbFile`, or on PostgreSQL when `database.kind` is 'postgres'. */
async function openStore(database, dbFile) {
  return database.kind === 'postgres' ? openPostgres(database.url) : openSqlite(dbFile);
}

async function openSqlite(dbFile) {
  const { DataSource } = require('typeorm');
  const dataSource = new DataSource({ type: 'better-sqlite3', database: dbFile, prepareDatabase: (db) => db.pragma('busy_timeout = 5000') });
  await dataSource.initialize();
  const db = dataSource.driver.databaseConnection;
  return {
    dataSource,
    async ownerId(username) {
      return db.prepare('SELECT id FROM auth_users WHERE username = ?').get(username).id;
    },
    /** Inserts the servers and their metric series; returns each one's series integer. */
    async addServers(rows) {
      const insertServer = db.prepare("INSERT INTO servers (id, name, host, port, username, authType, credentialsSealed, status, ownerId, createdAt, updatedAt) VALUES (?, ?, '127.0.0.1', ?, ?, 'password', ?, 'unknown', ?, ?, ?)");
      const insertSeries = db.prepare('INSERT INTO metric_series (serverId) VALUES (?)');
      return db.transaction(() => rows.map((r) => (insertServer.run(r.id, r.name, r.port, r.username, r.sealed, r.ownerId, r.at, r.at), Number(insertSeries.run(r.id).lastInsertRowid))))();
    },
    async addSamples(columns, rows) {
      const insert = db.prepare(`INSERT INTO metric_samples (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      db.transaction(() => {
        for (const row of rows) insert.run(...row);
      })();
    },
    /** Once a generated day: the WAL folded back into the file, as Tomo's own checkpoints do. */
    async endOfDay() {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async all(sql) {
      return db.prepare(sql).all();
    },
    async close() {
      await dataSource.destroy();
    },
  };
}

async function openPostgres(url) {
  const { DataSource } = require('typeorm');
  const { types } = require('pg');
  // As Tomo's own pool (kernel/src/db/create-data-source.ts): UTC, 64-bit integers as numbers.
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    extra: { options: '-c TimeZone=UTC', types: { getTypeParser: (oid, format) => (oid === 20 || oid === 1700 ? Number : types.getTypeParser(oid, format)) } },
  });
  await dataSource.initialize();
  const query = (sql, params) => dataSource.query(sql, params);
  const placeholders = (count, width) => Array.from({ length: count }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
  return {
    dataSource,
    async ownerId(username) {
      return (await query('SELECT "id" FROM "auth_users" WHERE "username" = $1', [username]))[0].id;
    },
    async addServers(rows) {
      const ids = [];
      await dataSource.transaction(async (m) => {
        for (const r of rows) {
          await m.query(`INSERT INTO "servers" ("id", "name", "host", "port", "username", "authType", "credentialsSealed", "status", "ownerId", "createdAt", "updatedAt") VALUES ($1, $2, '127.0.0.1', $3, $4, 'password', $5, 'unknown', $6, $7, $8)`, [r.id, r.name, r.port, r.username, r.sealed, r.ownerId, r.at, r.at]);
          ids.push(Number((await m.query('INSERT INTO "metric_series" ("serverId") VALUES ($1) RETURNING "id"', [r.id]))[0].id));
        }
      });
      return ids;
    },
    async addSamples(columns, rows) {
      await dataSource.transaction(async (m) => {
        for (let i = 0; i < rows.length; i += PG_ROWS_PER_INSERT) {
          const chunk = rows.slice(i, i + PG_ROWS_PER_INSERT);
          await m.query(`INSERT INTO "metric_samples" (${columns.map(quote).join(', ')}) VALUES ${placeholders(chunk.length, columns.length)}`, chunk.flat());
        }
      });
    },
    // Autovacuum keeps up on its own; nothing to fold back.
    async endOfDay() {},
    async all(sql) {
      return query(sql);
    },
    async close() {
      await dataSource.destroy();
    },
  };
}

/**
 * The database's size in bytes: the SQLite file and its WAL (and the free pages in the file), or
 * PostgreSQL's `pg_database_size` (tables, indexes, TOAST and the catalog of this database);
 * `perTable`: the largest tables (with their indexes, on PostgreSQL) and indexes.
 */
async function databaseSize(database, dbFile) {
  if (database.kind === 'postgres') {
    const { connectPostgres } = require('./bench-database');
    const client = await connectPostgres(database.url);
    try {
      const total = (await client.query('SELECT pg_database_size(current_database()) AS bytes')).rows[0].bytes;
      const perTable = (
        await client.query(
          `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY bytes DESC LIMIT 6`,
        )
      ).rows;
      return { db: total, wal: 0, freeBytes: 0, perTable, totalBytes: total };
    } finally {
      await client.end();
    }
  }
  const Database = require('better-sqlite3');
  const size = (f) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  const sizes = { db: size(dbFile), wal: size(`${dbFile}-wal`), shm: size(`${dbFile}-shm`) };
  const inspect = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    sizes.freeBytes = inspect.pragma('freelist_count', { simple: true }) * inspect.pragma('page_size', { simple: true });
    // Bytes per table and index (dbstat, when SQLite has it), largest first.
    try {
      sizes.perTable = inspect.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 6').all();
    } catch {
      sizes.perTable = [];
    }
  } finally {
    inspect.close();
  }
  return { ...sizes, totalBytes: sizes.db + sizes.wal };
}

/** Rows of `metric_samples` so far, read beside the running Tomo (bench/monitoring.js's polls). */
async function countSamples(database, dbFile) {
  if (database.kind === 'postgres') {
    const { connectPostgres } = require('./bench-database');
    const client = await connectPostgres(database.url);
    try {
      return (await client.query('SELECT COUNT(*) AS n FROM "metric_samples"')).rows[0].n;
    } finally {
      await client.end();
    }
  }
  const Database = require('better-sqlite3');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) AS n FROM metric_samples').get().n;
  } finally {
    db.close();
  }
}

module.exports = { openStore, databaseSize, countSamples };
