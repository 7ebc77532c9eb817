import crypto, { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KernelTokens, listTables, runSql } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { authBackupTablesModule, authPlugin } from '../../../auth/src/plugin';
import { builtInPreparersModule, preparationBackupTablesModule, preparationPlugin } from '../../../preparation/src/plugin';
import { serversBackupTablesModule, serversPlugin } from '../../../servers/src/plugin';
import { appsBackupTablesModule, appsPlugin, builtInCatalogModule } from '../../../apps/src/plugin';
import { BackupTokens } from '../../src/api';
import { backupPlugin } from '../../src/plugin';

export const BACKUP_PASSWORD = 'backup-pass-Xq7-correct-horse';
export const ADMIN = { username: 'admin', password: 'admin-password-1234' };
export const CAROL = { username: 'carol', password: 'carol-password-1234' };
export const SERVER_PASSWORD = 'ssh-secret-Zp9-do-not-leak';
export const APP_SECRET = 'generated-app-secret-Kw4-do-not-leak';

/** How auth, servers, preparation and apps declare their tables (and apps its catalogs) to backup, as `tomo serve` finds them. */
export const BACKUP_TABLE_MODULES = [authBackupTablesModule, serversBackupTablesModule, preparationBackupTablesModule, appsBackupTablesModule];

/** A kernel with every plugin a backup carries, low scrypt cost (tests only), an optional catalog folder; `sqlite` forces SQLite. */
export async function startBackupKernel(options: { dataDir?: string; catalogDir?: string; sqlite?: boolean } = {}): Promise<TestKernel> {
  return startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin],
    modules: [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES],
    dataDir: options.dataDir,
    listen: true,
    config: {
      backup: { scryptWorkFactor: 10 },
      catalog: { dirs: options.catalogDir ? [options.catalogDir] : [] },
      // `sqlite`: on a SQLite file even when the run is on PostgreSQL (a database chosen here is kept).
      ...(options.sqlite ? { database: {} } : {}),
    },
  });
}

export const call = (t: TestKernel) => ({ transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger });

export async function login(t: TestKernel, who: { username: string; password: string }): Promise<string> {
  const res = await t.request('POST', '/api/auth/login', { body: who });
  if (res.status !== 200) throw new Error(`login ${who.username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export async function addUser(t: TestKernel, who: { username: string; password: string }, role: 'admin' | 'user' = 'user'): Promise<void> {
  await t.kernel.resolve(AuthTokens.UserService).create({ ...who, email: `${who.username}@example.com`, role }, call(t));
}

export async function addServer(t: TestKernel, token: string, name: string, password = SERVER_PASSWORD, host = '192.0.2.10'): Promise<string> {
  const res = await t.request('POST', '/api/servers', { token, body: { name, host, port: 22, username: 'root', authType: 'password', credentials: { password } } });
  if (res.status !== 201) throw new Error(`add server: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** An installation record as the apps plugin stores one (secrets sealed, bound to its id). */
export async function addInstallation(t: TestKernel, serverId: string, ownerId: string, containerName = 'tomo-web-hello'): Promise<string> {
  const id = randomUUID();
  const vault = t.kernel.resolve(KernelTokens.Vault);
  const now = new Date().toISOString();
  await sql(
    t,
    `INSERT INTO "app_installations" ("id", "serverId", "ownerId", "appId", "appName", "image", "containerName", "containerId", "state", "error", "portsJson", "settingsJson", "secretNamesJson", "secretsSealed", "capabilitiesJson", "definitionJson", "dataDir", "progressJson", "createdBy", "createdAt", "updatedAt")
     VALUES (?, ?, ?, 'web-hello', 'Web Hello', 'tomo-test/httpd:1', ?, NULL, 'running', NULL, '[]', '{}', '["TOKEN"]', ?, '{}', '{}', '/srv/tomo/apps/x', '[]', ?, ?, ?)`,
    [id, serverId, ownerId, containerName, vault.seal(JSON.stringify({ TOKEN: APP_SECRET }), id), ownerId, now, now],
  );
  return id;
}

/** Portable raw SQL on the kernel's database, either engine (double-quoted identifiers, `?` parameters): its rows. */
export async function sql<Row = Record<string, unknown>>(t: TestKernel, query: string, params: unknown[] = []): Promise<Row[]> {
  return runSql<Row>(t.kernel.dataSource, query, params);
}

/** The first column of the first row (undefined: no row). */
export async function sqlValue(t: TestKernel, query: string, params: unknown[] = []): Promise<unknown> {
  const [row] = await sql(t, query, params);
  return row === undefined ? undefined : Object.values(row)[0];
}

/** A user's id by name. */
export async function userId(t: TestKernel, username: string): Promise<string> {
  return (await sqlValue(t, 'SELECT "id" FROM "auth_users" WHERE "username" = ?', [username])) as string;
}

/** The kernel's own better-sqlite3 connection (SQLite only: portable tests use {@link sql}). */
export function rawDb(t: TestKernel): import('better-sqlite3').Database {
  return (t.kernel.dataSource.driver as unknown as { databaseConnection: import('better-sqlite3').Database }).databaseConnection;
}

export function backupService(t: TestKernel) {
  return t.kernel.resolve(BackupTokens.BackupService);
}

/** Exports `t` to a file in `dir` and returns its path. */
export async function exportTo(t: TestKernel, dir: string, options: { includeHistory?: boolean; password?: string } = {}): Promise<string> {
  const file = path.join(dir, `backup-${randomUUID()}.enc`);
  await backupService(t).export(fs.createWriteStream(file), { password: options.password ?? BACKUP_PASSWORD, includeHistory: options.includeHistory ?? false });
  return file;
}

/**
 * A fingerprint of everything the database holds: "nothing written" is it staying equal. SQLite:
 * SHA-256 of the database files (byte for byte); PostgreSQL: of every table's rows, in a fixed order.
 */
export async function dbFingerprint(t: TestKernel): Promise<string> {
  const hash = crypto.createHash('sha256');
  const database = t.kernel.config.database;
  if (database.kind === 'sqlite') {
    for (const f of [database.file, `${database.file}-wal`]) if (fs.existsSync(f)) hash.update(fs.readFileSync(f));
    return hash.digest('hex');
  }
  for (const table of await listTables(t.kernel.dataSource)) {
    const rows = (await sql(t, `SELECT * FROM "${table}"`)).map((r) => JSON.stringify(r)).sort();
    hash.update(`${table}\n${rows.join('\n')}\n`);
  }
  return hash.digest('hex');
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
