import { encodeValue } from '../format/payload';
import { toColumnValue, upsertSql, type BackupDb } from './backup-db';
import { withoutParameters } from './import-target';

const on = (engine: 'sqlite' | 'postgres') => ({ engine }) as BackupDb;

test('values read from PostgreSQL are written in the forms SQLite stores (the file is the same from either engine)', () => {
  expect(encodeValue(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02 03:04:05.678');
  expect([encodeValue(true), encodeValue(false)]).toEqual([1, 0]);
  expect(encodeValue(Buffer.from('hi'))).toEqual({ $b64: 'aGk=' });
  expect(encodeValue(BigInt(7))).toBe(7);
  expect(encodeValue('2026-01-02 03:04:05')).toBe('2026-01-02 03:04:05');
});

test('0/1 become booleans for a boolean column only; other values pass as they are', () => {
  expect([toColumnValue('boolean', 1), toColumnValue('boolean', 0), toColumnValue('boolean', '1')]).toEqual([true, false, true]);
  expect(toColumnValue('boolean', null)).toBeNull();
  expect(toColumnValue('other', 1)).toBe(1);
  expect(toColumnValue('timestamp', '2026-01-02 03:04:05.678')).toBe('2026-01-02 03:04:05.678');
});

test('a row kept or replaced by primary key: SQLite as earlier releases, PostgreSQL with ON CONFLICT', () => {
  expect(upsertSql(on('sqlite'), 't', ['id', 'a'], ['id'], 'skip')).toBe('INSERT OR IGNORE INTO "t" ("id", "a") VALUES (?, ?)');
  expect(upsertSql(on('sqlite'), 't', ['id', 'a'], ['id'], 'overwrite')).toBe('INSERT OR REPLACE INTO "t" ("id", "a") VALUES (?, ?)');
  expect(upsertSql(on('postgres'), 't', ['id', 'a'], ['id'], 'skip')).toBe('INSERT INTO "t" ("id", "a") VALUES (?, ?) ON CONFLICT DO NOTHING');
  expect(upsertSql(on('postgres'), 't', ['k1', 'k2', 'v'], ['k1', 'k2'], 'overwrite')).toBe(
    'INSERT INTO "t" ("k1", "k2", "v") VALUES (?, ?, ?) ON CONFLICT ("k1", "k2") DO UPDATE SET "v" = EXCLUDED."v"',
  );
  // Nothing but the key to update: keeping the row is replacing it.
  expect(upsertSql(on('postgres'), 't', ['id'], ['id'], 'overwrite')).toBe('INSERT INTO "t" ("id") VALUES (?) ON CONFLICT DO NOTHING');
});

test("a failed statement's error keeps the database's message, not the row values it was given", () => {
  const failed = Object.assign(new Error('duplicate key value violates unique constraint "servers_pkey"'), { name: 'QueryFailedError', query: 'INSERT …', parameters: ['$2b$10$hash', 'sealed:v1:…'] });
  const plain = withoutParameters(failed) as Error;
  expect(plain.message).toBe(failed.message);
  expect(plain.name).toBe('QueryFailedError');
  expect(JSON.stringify({ ...plain })).not.toContain('hash');
  expect(Object.keys(plain)).not.toContain('parameters');
  const other = new Error('other');
  expect(withoutParameters(other)).toBe(other);
});
