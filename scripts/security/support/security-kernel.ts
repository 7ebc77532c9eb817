/**
 * One kernel with every built-in plugin, for the security sweeps of scripts/security: users,
 * their records, a dump of the whole database and counters of SSH activity.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KernelTokens } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { activityBackupTablesModule, activityPlugin } from '../../../plugins/activity/src/plugin';
import { alertsBackupTablesModule, alertsPlugin } from '../../../plugins/alerts/src/plugin';
import { appsPlugin, builtInCatalogModule } from '../../../plugins/apps/src/plugin';
import { TEST_CATALOG } from '../../../plugins/apps/test/support/apps-kernel';
import { BACKUP_TABLE_MODULES } from '../../../plugins/backup/test/support/backup-kernel';
import { authPlugin } from '../../../plugins/auth/src/plugin';
import { backupPlugin } from '../../../plugins/backup/src/plugin';
import { monitoringBackupTablesModule, monitoringPlugin } from '../../../plugins/monitoring/src/plugin';
import { builtInPreparersModule, preparationPlugin } from '../../../plugins/preparation/src/plugin';
import { serversPlugin } from '../../../plugins/servers/src/plugin';
import { terminalPlugin } from '../../../plugins/terminal/src/plugin';
import { spyOnHandles } from '../../../plugins/servers/test/support/handle-spy';

export interface Who {
  username: string;
  password: string;
}

export const ADMIN: Who = { username: 'admin', password: 'admin-password-1234' };
export const ALICE: Who = { username: 'alice', password: 'alice-password-1234' };
export const BOB: Who = { username: 'bob', password: 'bob-password-12345' };

export type SecurityKernel = TestKernel & { dataRoot: string };

/**
 * Auth, servers, preparation, apps (built-in and test catalogs), backup, monitoring, activity and alerts. The
 * poller's interval is an hour: it polls once at start (no servers yet), then not during a test.
 */
export async function startSecurityKernel(): Promise<SecurityKernel> {
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-security-apps-'));
  const t = await startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin, monitoringPlugin, activityPlugin, alertsPlugin, terminalPlugin],
    modules: [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES, monitoringBackupTablesModule, activityBackupTablesModule, alertsBackupTablesModule],
    config: {
      catalog: { dirs: [TEST_CATALOG] },
      apps: { dataRoot, stopTimeoutSeconds: 1 },
      backup: { scryptWorkFactor: 10 },
      monitoring: { intervalSeconds: 3600 },
    },
  });
  return Object.assign(t, { dataRoot });
}

export const cliCall = (t: TestKernel) => ({ transport: 'cli' as const, clientIp: 'local', requestId: 'security-test', log: t.kernel.logger });

/** Creates the user and returns their id. */
export async function addUser(t: TestKernel, who: Who, role: 'admin' | 'user'): Promise<string> {
  const user = await t.kernel.resolve(AuthTokens.UserService).create({ ...who, email: `${who.username}@example.com`, role }, cliCall(t));
  return user.id;
}

/** A console session token (sessions are not written to on use, unlike API tokens' lastUsedAt). */
export async function login(t: TestKernel, who: Who): Promise<string> {
  const res = await t.request('POST', '/api/auth/login', { body: who });
  if (res.status !== 200) throw new Error(`login ${who.username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** The kernel's own better-sqlite3 connection. */
export function rawDb(t: TestKernel): import('better-sqlite3').Database {
  return (t.kernel.dataSource.driver as unknown as { databaseConnection: import('better-sqlite3').Database }).databaseConnection;
}

/**
 * An installation row of the test catalog's web-hello as the apps plugin stores one (its
 * definition read through the API), with no container behind it: nothing here starts one.
 */
export async function insertInstallation(t: TestKernel, adminToken: string, serverId: string, ownerId: string, containerName: string): Promise<string> {
  const definition = await t.request('GET', '/api/apps/catalog/web-hello', { token: adminToken });
  if (definition.status !== 200) throw new Error(`web-hello: ${definition.status} ${JSON.stringify(definition.body)}`);
  const id = randomUUID();
  const vault = t.kernel.resolve(KernelTokens.Vault);
  const now = new Date().toISOString();
  rawDb(t)
    .prepare(
      `INSERT INTO app_installations (id, serverId, ownerId, appId, appName, image, containerName, containerId, state, error, portsJson, settingsJson, secretNamesJson, secretsSealed, capabilitiesJson, definitionJson, dataDir, progressJson, createdBy, createdAt, updatedAt)
       VALUES (?, ?, ?, 'web-hello', 'Web Hello', ?, ?, NULL, 'running', NULL, ?, '{}', '["TOKEN"]', ?, '{}', ?, ?, '[]', ?, ?, ?)`,
    )
    .run(
      id,
      serverId,
      ownerId,
      definition.body.app.image,
      containerName,
      JSON.stringify([{ container: 80, host: 18080, protocol: 'tcp' }]),
      vault.seal(JSON.stringify({ TOKEN: 'never-shown' }), id),
      JSON.stringify(definition.body.app),
      `/srv/tomo/apps/${containerName}`,
      ownerId,
      now,
      now,
    );
  return id;
}

/**
 * A user's alert records on their server: a rule and a silence made through the API with their
 * token, and a firing alert row as the evaluation stores one (nothing here polls to fire it).
 */
export async function insertAlertRecords(t: TestKernel, token: string, serverId: string, ownerId: string): Promise<{ alertRule: string; silence: string; alert: string }> {
  const rule = await t.request('POST', '/api/alerts/rules', { token, body: { name: 'disk of my box', kind: 'metric', metric: 'disk_root', operator: '>', threshold: 80, forMinutes: 5, serverId } });
  if (rule.status !== 201) throw new Error(`alert rule: ${rule.status} ${JSON.stringify(rule.body)}`);
  const silence = await t.request('POST', '/api/alerts/silences', { token, body: { serverId, endsAt: new Date(Date.now() + 24 * 3600_000).toISOString(), reason: 'maintenance' } });
  if (silence.status !== 201) throw new Error(`silence: ${silence.status} ${JSON.stringify(silence.body)}`);
  const alert = randomUUID();
  const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  rawDb(t)
    .prepare(
      `INSERT INTO alerts (id, fingerprint, ruleId, ruleName, severity, serverId, serverName, ownerId, state, subject, summary, value, threshold, startedAt, resolvedAt, silenced)
       VALUES (?, ?, ?, 'disk of my box', 'warning', ?, 'box', ?, 'firing', 'Disk / at 93 % on box (over 80 % for 5 min)', 'Disk / of box is past the threshold.', 93, 80, ?, NULL, 1)`,
    )
    .run(alert, `m:${rule.body.rule.id}:${serverId}`, rule.body.rule.id, serverId, ownerId, at);
  return { alertRule: rule.body.rule.id as string, silence: silence.body.silence.id as string, alert };
}

/** A preparation row (completed or failed), as the preparation plugin stores a finished run. */
export function insertPreparation(t: TestKernel, serverId: string, status: 'completed' | 'failed'): string {
  const id = randomUUID();
  const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  rawDb(t)
    .prepare('INSERT INTO preparations (id, serverId, status, stepsJson, updatedAt, startedAt, finishedAt, failedStep, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, serverId, status, '[]', at, at, at, status === 'failed' ? 'docker' : null, status === 'failed' ? 'test failure' : null);
  return id;
}

/** A passkey row for `userId` (its key is made up: the security tests never sign in with it). */
export function insertPasskey(t: TestKernel, userId: string, name: string): string {
  const id = randomUUID();
  const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  rawDb(t)
    .prepare('INSERT INTO auth_passkeys (id, userId, credentialId, publicKey, counter, transports, deviceType, backedUp, name, createdAt, lastUsedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, userId, randomUUID().replace(/-/g, ''), 'cHVibGljLWtleQ', 0, '["internal"]', 'singleDevice', 0, name, at, null);
  return id;
}

export type Dump = Record<string, string[]>;

/**
 * The only columns left out of a dump: when a credential was last used. They are written as a
 * side effect of authenticating (at most once a minute per session or token), whatever the
 * request then does; everything else, every row and column, is compared.
 */
const LAST_USE_COLUMNS: Record<string, string[]> = { auth_sessions: ['lastSeenAt'], auth_api_tokens: ['lastUsedAt'] };

/** Every row of every table (all columns but {@link LAST_USE_COLUMNS}), each table's rows sorted: two dumps are equal when nothing changed. */
export function dumpDb(t: TestKernel): Dump {
  const db = rawDb(t);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
  const dump: Dump = {};
  for (const { name } of tables) {
    const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>).map((row) => {
      for (const column of LAST_USE_COLUMNS[name] ?? []) if (column in row) row[column] = '<last use>';
      return row;
    });
    dump[name] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? `base64:${v.toString('base64')}` : typeof v === 'bigint' ? String(v) : v))).sort();
  }
  return dump;
}

/** What changed between two dumps, table by table (rows gone with "-", new rows with "+"); empty when nothing did. */
export function diffDumps(before: Dump, after: Dump, limit = 6): string[] {
  const out: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = new Set(before[table] ?? []);
    const b = new Set(after[table] ?? []);
    const gone = [...a].filter((r) => !b.has(r));
    const added = [...b].filter((r) => !a.has(r));
    if (!(table in before) || !(table in after)) out.push(`${table}: table ${table in before ? 'dropped' : 'created'}`);
    for (const r of gone.slice(0, limit)) out.push(`${table} - ${r.slice(0, 400)}`);
    for (const r of added.slice(0, limit)) out.push(`${table} + ${r.slice(0, 400)}`);
  }
  return out;
}

/** Rows added to a table between two dumps (nothing else changed elsewhere is checked here). */
export function addedRows(before: Dump, after: Dump, table: string): unknown[] {
  const a = new Set(before[table] ?? []);
  return (after[table] ?? []).filter((r) => !a.has(r)).map((r) => JSON.parse(r) as unknown);
}

export interface SshCounter {
  /** SSH work through server handles (exec, openStream, SFTP upload/download) and in the connection pool (connectFresh, exec, openStream, SFTP). */
  counts: { handleExec: number; handleStream: number; handleFiles: number; poolConnectFresh: number; poolExec: number; poolStream: number; poolSftp: number };
  total(): number;
  restore(): void;
}

type Methods = Record<string, unknown>;

/** Replaces `target[method]` with a wrapper that counts under `key`; returns the undo. */
function countCalls<K extends string>(counts: Record<K, number>, target: Methods, method: string, key: K): () => void {
  const original = target[method] as (...args: unknown[]) => unknown;
  if (typeof original !== 'function') throw new Error(`no ${method} to count on the connection pool (renamed?)`);
  const own = Object.prototype.hasOwnProperty.call(target, method);
  target[method] = function counted(this: unknown, ...args: unknown[]) {
    counts[key] += 1;
    return original.apply(this, args);
  };
  return () => {
    if (own) target[method] = original;
    else delete target[method];
  };
}

const HANDLE_KEYS = { exec: 'handleExec', openStream: 'handleStream', upload: 'handleFiles', download: 'handleFiles' } as const;

/**
 * Counts every way a plugin reaches a server: SSH work through the handles the ServerService
 * gives (what preparation, apps and monitoring use; making a handle alone reaches nothing), and
 * its pool's (what `test_connection` uses directly).
 */
export function countSsh(t: TestKernel): SshCounter {
  const service = t.kernel.resolve(ServersTokens.ServerService);
  const pool = (service as unknown as { pool: Methods }).pool;
  const counts = { handleExec: 0, handleStream: 0, handleFiles: 0, poolConnectFresh: 0, poolExec: 0, poolStream: 0, poolSftp: 0 };
  const undo = [
    spyOnHandles(service, (call, proceed) => {
      counts[HANDLE_KEYS[call.method]] += 1;
      return proceed();
    }),
    countCalls(counts, pool, 'connectFresh', 'poolConnectFresh'),
    countCalls(counts, pool, 'exec', 'poolExec'),
    countCalls(counts, pool, 'openStream', 'poolStream'),
    countCalls(counts, pool, 'withSftp', 'poolSftp'),
  ];
  return { counts, total: () => Object.values(counts).reduce((a, b) => a + b, 0), restore: () => undo.forEach((r) => r()) };
}

/** A single sign-on identity linked to `userId` (issuer and subject made up: nobody signs in with it). */
export function insertOidcIdentity(t: TestKernel, userId: string, email: string): string {
  const id = randomUUID();
  const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  rawDb(t)
    .prepare('INSERT INTO auth_oidc_identities (id, userId, provider, issuer, subject, email, createdAt, lastLoginAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, userId, 'corp', 'https://sso.example.com', `subject-${id}`, email, at, null);
  return id;
}
