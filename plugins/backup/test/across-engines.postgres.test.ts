import fs from 'node:fs';
import { KernelTokens } from '@tomo/kernel';
import type { TestKernel } from '@tomo/kernel/testing';
import { useTestbedPostgres } from '../../../test-support/testbed-postgres';

import {
  addInstallation,
  addServer,
  addUser,
  ADMIN,
  APP_SECRET,
  BACKUP_PASSWORD,
  backupService,
  CAROL,
  exportTo,
  login,
  SERVER_PASSWORD,
  sql,
  startBackupKernel,
  tempDir,
  userId,
} from './support/backup-kernel';

useTestbedPostgres();

// Backups cross engines (issue 24): one made on SQLite imports into PostgreSQL, and one made
// there imports into SQLite, rows and secrets equal. It needs both engines: without
// TOMO_TEST_DATABASE_URL it fails (scripts/postgres/test-files.js runs it in the PostgreSQL
// subset; jest.config.js leaves *.postgres.test.ts out of the SQLite-only run).

const DAVE = { username: 'dave', password: 'dave-password-12345' };

let work: string;
beforeAll(() => {
  useTestbedPostgres();
  work = tempDir('tomo-backup-across-');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Tables compared row for row, and the columns sealed with each instance's own vault (compared opened). */
const TABLES = ['auth_users', 'auth_api_tokens', 'servers', 'app_installations'];
const SEALED = new Set(['credentialsSealed', 'secretsSealed', 'totpSecret', 'totpPendingSecret']);

/** A value as both engines mean it: times as ISO instants, booleans as 0/1. */
function normal(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?$/.test(v)) return new Date(`${v.replace(' ', 'T').replace(/Z$/, '')}Z`).toISOString();
  return v;
}

async function rows(t: TestKernel, table: string): Promise<Record<string, unknown>[]> {
  const all = await sql(t, `SELECT * FROM "${table}" ORDER BY "id"`);
  return all.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, SEALED.has(k) ? (v === null ? null : 'sealed') : normal(v)])));
}

/** What an instance holds: users (one disabled), an admin's servers, an installed app, a token. */
async function fill(t: TestKernel): Promise<string[]> {
  await addUser(t, ADMIN, 'admin');
  await addUser(t, CAROL);
  await addUser(t, DAVE);
  await sql(t, 'UPDATE "auth_users" SET "disabled" = TRUE WHERE "username" = ?', [DAVE.username]);
  const admin = await login(t, ADMIN);
  const servers = [await addServer(t, admin, 'alpha'), await addServer(t, admin, 'beta', 'other-ssh-secret-123', '192.0.2.11')];
  await addInstallation(t, servers[0], await userId(t, 'admin'));
  expect((await t.request('POST', '/api/auth/tokens', { token: await login(t, CAROL), body: { name: 'ci' } })).status).toBe(201);
  return servers;
}

/** A table of a plugin backup does not know, its ids handed out by the database (SQLite's AUTOINCREMENT, PostgreSQL's sequence). */
async function createNotes(t: TestKernel): Promise<void> {
  const id = t.kernel.config.database.kind === 'postgres' ? '"id" SERIAL PRIMARY KEY' : '"id" INTEGER PRIMARY KEY AUTOINCREMENT';
  await sql(t, `CREATE TABLE "test_notes" (${id}, "body" TEXT)`);
}

async function crossesOver(source: TestKernel, target: TestKernel): Promise<void> {
  const servers = await fill(source);
  await createNotes(source);
  for (const body of ['one', 'two', 'three']) await sql(source, 'INSERT INTO "test_notes" ("body") VALUES (?)', [body]);
  await createNotes(target);
  const file = await exportTo(source, work, { includeHistory: true });
  const preview = await backupService(target).import(() => fs.createReadStream(file), { password: BACKUP_PASSWORD, onConflict: 'skip', apply: false });
  expect(preview.applied).toBe(false);
  expect(await rows(target, 'servers')).toEqual([]);
  const summary = await backupService(target).import(() => fs.createReadStream(file), { password: BACKUP_PASSWORD, onConflict: 'skip', apply: true });
  expect(Object.fromEntries(summary.tables.map((t) => [t.table, t.added]))).toMatchObject({ auth_users: 3, servers: 2, app_installations: 1, auth_api_tokens: 1 });

  for (const table of TABLES) expect({ table, rows: await rows(target, table) }).toEqual({ table, rows: await rows(source, table) });

  // Users log in with their passwords (a disabled one does not); secrets open with the target's own vault.
  expect(await login(target, ADMIN)).toBeTruthy();
  expect(await login(target, CAROL)).toBeTruthy();
  expect((await target.request('POST', '/api/auth/login', { body: DAVE })).status).not.toBe(200);
  const vault = target.kernel.resolve(KernelTokens.Vault);
  const [alpha] = await sql<{ id: string; credentialsSealed: string }>(target, `SELECT "id", "credentialsSealed" FROM "servers" WHERE "name" = 'alpha'`);
  expect(alpha.id).toBe(servers[0]);
  expect(JSON.parse(vault.openText(alpha.credentialsSealed, alpha.id))).toMatchObject({ password: SERVER_PASSWORD });
  const [app] = await sql<{ id: string; secretsSealed: string }>(target, 'SELECT "id", "secretsSealed" FROM "app_installations"');
  expect(JSON.parse(vault.openText(app.secretsSealed, app.id))).toEqual({ TOKEN: APP_SECRET });

  // Rows that came with their ids: the next id the database hands out is past them.
  await sql(target, 'INSERT INTO "test_notes" ("body") VALUES (?)', ['four']);
  expect(await sql(target, 'SELECT "id", "body" FROM "test_notes" ORDER BY "id"')).toEqual(['one', 'two', 'three', 'four'].map((body, i) => ({ id: i + 1, body })));

  // The target keeps working after the import: a new server is added next to the imported ones.
  const res = await target.request('POST', '/api/servers', {
    token: await login(target, ADMIN),
    body: { name: 'gamma', host: '192.0.2.12', port: 22, username: 'root', authType: 'password', credentials: { password: 'gamma-ssh-secret-1' } },
  });
  expect(res.status).toBe(201);

  // And a second import of the same file changes nothing (every record matches).
  const again = await backupService(target).import(() => fs.createReadStream(file), { password: BACKUP_PASSWORD, onConflict: 'skip', apply: true });
  expect(again.tables.reduce((n, t) => n + t.added, 0)).toBe(0);
}

test('a backup made on SQLite imports into PostgreSQL: rows and secrets equal, logins work', async () => {
  const source = await startBackupKernel({ sqlite: true });
  const target = await startBackupKernel();
  try {
    expect([source.kernel.config.database.kind, target.kernel.config.database.kind]).toEqual(['sqlite', 'postgres']);
    await crossesOver(source, target);
  } finally {
    await source.stop();
    await target.stop();
  }
});

test('a backup made on PostgreSQL imports into SQLite: rows and secrets equal, logins work', async () => {
  const source = await startBackupKernel();
  const target = await startBackupKernel({ sqlite: true });
  try {
    expect([source.kernel.config.database.kind, target.kernel.config.database.kind]).toEqual(['postgres', 'sqlite']);
    await crossesOver(source, target);
  } finally {
    await source.stop();
    await target.stop();
  }
});
