/**
 * `tomo migrate-database --to <url>` in this process, on SQLite files: the same copy and proof
 * that moves an instance to PostgreSQL (scripts/postgres/migrate-database.postgres.test.ts runs
 * that with real processes) also moves it to another SQLite file, which is how an admin goes
 * back. Dates, booleans, reals and generated ids survive; every refusal comes before any write.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Distribution } from '@tomo/kernel';
import { TableChecksum } from '../src/cli/migrate-database/table-checksum';
import { inProcessCli } from './support/in-process-cli';
import { makeTempDir, removeTempDirs, writeFiles, writePluginPackage } from './support/temp-dir';

let builtinDir: string;

beforeAll(() => {
  builtinDir = makeTempDir('tomo-migrate-db-builtin-');
  writePluginPackage(
    builtinDir,
    'items',
    { name: '@tomo/plugin-items', plugin: 'items' },
    `const { definePlugin } = require('@tomo/kernel');
const { Table } = require(${JSON.stringify(require.resolve('typeorm'))});
class ItemsInitial1700000000000 {
  async up(q) {
    await q.createTable(new Table({ name: 'items', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'title', type: 'varchar', length: '100' },
      { name: 'done', type: 'boolean', default: 0 },
      { name: 'weight', type: 'real', isNullable: true },
      { name: 'dueAt', type: 'datetime', isNullable: true },
    ] }));
    await q.createTable(new Table({ name: 'item_tags', columns: [
      { name: 'itemId', type: 'integer', isPrimary: true },
      { name: 'tag', type: 'varchar', length: '20', isPrimary: true },
    ], foreignKeys: [{ columnNames: ['itemId'], referencedTableName: 'items', referencedColumnNames: ['id'] }] }));
  }
  async down(q) { await q.dropTable('item_tags'); await q.dropTable('items'); }
}
module.exports = definePlugin({ id: 'items', migrations: [ItemsInitial1700000000000] });
`,
  );
});
afterAll(() => {
  removeTempDirs();
});

const dist = (): Distribution => ({ version: '9.9.9', builtinPluginDirs: [builtinDir] });
const argv = (...args: string[]) => ['node', 'tomo', ...args];
const { output, run } = inProcessCli(dist);

/** An instance's config file and its SQLite file. */
function instance(): { config: string; db: string; dir: string } {
  const dir = makeTempDir('tomo-migrate-db-');
  writeFiles(dir, { 'config.yaml': `dataDir: ${path.join(dir, 'data')}\n` });
  return { config: path.join(dir, 'config.yaml'), db: path.join(dir, 'data', 'tomo.db'), dir };
}

function rows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

test('an instance moves to another SQLite file: every row, verified per table, ids and types kept, the next id free', async () => {
  const source = instance();
  await run(argv('--config', source.config, 'migrate'));
  const db = new Database(source.db);
  db.prepare(`INSERT INTO items (id, title, done, weight, dueAt) VALUES (3, 'first', 1, 2.5, '2026-12-24 18:00:00.000'), (7, 'second', 0, NULL, NULL), (9, 'ünïcode "quoted"', 1, 0.1, '2026-01-02 03:04:05.678')`).run();
  db.prepare(`INSERT INTO item_tags (itemId, tag) VALUES (3, 'a'), (3, 'b'), (9, 'a')`).run();
  db.close();

  const target = path.join(makeTempDir('tomo-migrate-db-target-'), 'moved.db');
  output.stdout = '';
  await run(argv('--config', source.config, 'migrate-database', '--to', `sqlite:${target}`));
  expect(output.stdout).toMatch(/^Copying SQLite .*tomo\.db → SQLite .*moved\.db/);
  expect(output.stdout).toMatch(/^ok +items +3 → 3 +checksum [0-9a-f]{12}$/m);
  expect(output.stdout).toMatch(/^ok +item_tags +3 → 3 /m);
  expect(output.stdout).toContain('Copied and verified 2 tables, 6 rows.');
  expect(output.stdout).toContain(`Next: set database.url to sqlite:${target}`);
  expect(process.exitCode ?? 0).toBe(0);

  const query = 'SELECT id, title, done, weight, dueAt FROM items ORDER BY id';
  expect(rows(target, query)).toEqual(rows(source.db, query));
  expect(rows(target, 'SELECT itemId, tag FROM item_tags ORDER BY itemId, tag')).toEqual(rows(source.db, 'SELECT itemId, tag FROM item_tags ORDER BY itemId, tag'));
  // The generated ids continue after the copied ones.
  const moved = new Database(target);
  expect(moved.prepare(`INSERT INTO items (title) VALUES ('next')`).run().lastInsertRowid).toBe(10);
  moved.close();

  // A second run refuses: the target is no longer empty (and nothing is written).
  output.stdout = '';
  await expect(run(argv('--config', source.config, 'migrate-database', '--to', `sqlite:${target}`))).rejects.toThrow(/is not empty \(it has \d+ table\(s\)/);
  expect(rows(target, 'SELECT COUNT(*) AS n FROM items')).toEqual([{ n: 4 }]);
});

test('refusals name the option or the database and write nothing: a bad --to, the same database, a source with migrations to apply', async () => {
  const source = instance();
  await expect(run(argv('--config', source.config, 'migrate-database', '--to', 'mysql://u:hunter2@h/db'))).rejects.toThrow(
    '--to: must be postgres://user:password@host[:port]/database (PostgreSQL) or sqlite:<file> (SQLite)',
  );
  await expect(run(argv('--config', source.config, 'migrate-database', '--to', 'sqlite:'))).rejects.toThrow('--to: sqlite: needs a file');
  await expect(run(argv('--config', source.config, 'migrate-database', '--to', `sqlite:${source.db}`))).rejects.toThrow('names the database Tomo is configured with');
  // Not migrated yet: the source must be brought up to date first (tomo never migrates it here).
  const target = path.join(makeTempDir('tomo-migrate-db-target-'), 'moved.db');
  await expect(run(argv('--config', source.config, 'migrate-database', '--to', `sqlite:${target}`))).rejects.toThrow(/has 1 migration\(s\) to apply first: run "tomo migrate"/);
  expect(output.stdout + output.stderr).not.toContain('hunter2');
});

test('the table checksum depends on the rows, not their order, and reads both engines\' forms of a value alike', () => {
  const columns = [
    { name: 'id', kind: 'number' as const },
    { name: 'at', kind: 'time' as const },
    { name: 'on', kind: 'boolean' as const },
    { name: 'blob', kind: 'bytes' as const },
  ];
  const sum = (list: Array<Record<string, unknown>>) => {
    const s = new TableChecksum(columns);
    for (const row of list) s.add(row);
    return s.hex();
  };
  // SQLite's forms (UTC text without a zone, 0/1, numbers) and PostgreSQL's (Date, booleans, numeric text).
  const sqlite = [
    { id: 1, at: '2026-12-24 18:00:00.000', on: 1, blob: Buffer.from('x') },
    { id: 2, at: null, on: 0, blob: null },
  ];
  const postgres = [
    { id: '2', at: null, on: false, blob: null },
    { id: 1, at: new Date('2026-12-24T18:00:00Z'), on: true, blob: Buffer.from('x') },
  ];
  expect(sum(postgres)).toBe(sum(sqlite));
  expect(sum(sqlite)).not.toBe(sum([sqlite[0], { ...sqlite[1], on: 1 }]));
  expect(sum(sqlite)).not.toBe(sum([sqlite[0]]));
  expect(sum([])).toBe('0'.repeat(32));
});
