import path from 'node:path';
import { ConfigError } from '../errors';
import { describeDatabase } from '../db/database-url';
import { loadConfig } from './load-config';

const PG = 'postgres://tomo:s3cret-pw@db.internal:5433/tomo';

function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('expected a configuration error');
}

test('without database.url Tomo runs on SQLite in the data folder', () => {
  expect(loadConfig({ file: null, env: { TOMO_DATA_DIR: '/srv/tomo' } }).database).toEqual({ kind: 'sqlite', file: '/srv/tomo/tomo.db', busyTimeoutMs: 5000 });
});

test('TOMO_DATABASE_URL=postgres://… selects PostgreSQL with the pool size and lock timeout', () => {
  const c = loadConfig({ file: null, env: { TOMO_DATABASE_URL: PG }, overrides: { database: { poolSize: 20, busyTimeoutMs: 800 } } });
  expect(c.database).toEqual({ kind: 'postgres', url: PG, busyTimeoutMs: 800, poolSize: 20 });
  expect(loadConfig({ file: null, env: { TOMO_DATABASE_URL: 'postgresql://u@h/db' } }).database).toMatchObject({ kind: 'postgres', poolSize: 10 });
});

test('sqlite:<file> names the SQLite file, relative to the current folder', () => {
  expect(loadConfig({ file: null, env: { TOMO_DATABASE_URL: 'sqlite:rel/tomo.db' } }).database).toMatchObject({ kind: 'sqlite', file: path.resolve('rel/tomo.db') });
  expect(loadConfig({ file: null, env: { TOMO_DATABASE_URL: 'sqlite:///var/lib/tomo/x.db' } }).database).toMatchObject({ kind: 'sqlite', file: '/var/lib/tomo/x.db' });
});

test.each([
  ['mysql://u:p@h/db'],
  ['postgres://h'],
  ['postgres://u:p@/db'],
  ['https://example.org/db'],
])('an unsupported database.url (%s) is refused naming the key and the rule, never echoing it', (url) => {
  const err = refusal(() => loadConfig({ file: null, env: { TOMO_DATABASE_URL: url } }));
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toBe('Invalid configuration: database.url: must be postgres://user:password@host[:port]/database (PostgreSQL) or sqlite:<file> (SQLite)');
});

test('a postgres:// url and a SQLite file together are refused', () => {
  const err = refusal(() => loadConfig({ file: null, overrides: { database: { url: PG, file: '/x.db' } } }));
  expect(err.message).toBe('Invalid configuration: database.file: give either file (SQLite) or a postgres:// url, not both');
});

test('describeDatabase shows engine, host, port and name, never the password', () => {
  const c = loadConfig({ file: null, env: { TOMO_DATABASE_URL: PG } });
  expect(describeDatabase(c.database)).toBe('PostgreSQL db.internal:5433/tomo');
  expect(describeDatabase(loadConfig({ file: null, env: { TOMO_DATABASE_URL: 'postgres://u:p@h/db' } }).database)).toBe('PostgreSQL h:5432/db');
  expect(describeDatabase({ kind: 'sqlite', file: '/d/tomo.db' })).toBe('SQLite /d/tomo.db');
});
