import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { KernelTokens } from '@tomo/kernel';
import type { TestKernel } from '@tomo/kernel/testing';
import { BackupError } from '../src/errors';
import { encryptStream } from '../src/format/age-stream';
import {
  addInstallation,
  addServer,
  addUser,
  ADMIN,
  APP_SECRET,
  BACKUP_PASSWORD,
  backupService,
  CAROL,
  dbFingerprint,
  exportTo,
  login,
  SERVER_PASSWORD,
  sql,
  sqlValue,
  startBackupKernel,
  tempDir,
  userId,
} from './support/backup-kernel';

// The format and the core of export and import, on real databases (SQLite or PostgreSQL) and real kernels:
// round trip, interop with the standard age CLI, and every refusal leaving the target untouched.

let source: TestKernel;
let work: string;
let catalogDir: string;
let backup: string;
let serverIds: string[];

beforeAll(async () => {
  work = tempDir('tomo-backup-test-');
  catalogDir = path.join(work, 'my-catalog');
  fs.mkdirSync(path.join(catalogDir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(catalogDir, 'custom-app.yaml'), 'id: custom-app\nname: Custom App\ndescription: mine\ncategory: testing\nimage: tomo-test/httpd:1\n');
  // Random bytes make the payload span several 64 KiB age chunks (for the chunk-boundary cuts).
  fs.writeFileSync(path.join(catalogDir, 'sub', 'icon.bin'), Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => (i * 7919) % 251)));
  source = await startBackupKernel({ catalogDir });
  await addUser(source, ADMIN, 'admin');
  await addUser(source, CAROL);
  const admin = await login(source, ADMIN);
  serverIds = [await addServer(source, admin, 'alpha'), await addServer(source, admin, 'beta', 'other-ssh-secret-123', '192.0.2.11')];
  await addInstallation(source, serverIds[0], await userId(source, 'admin'));
  const carol = await login(source, CAROL);
  expect((await source.request('POST', '/api/auth/tokens', { token: carol, body: { name: 'ci' } })).status).toBe(201);
  backup = await exportTo(source, work);
});

afterAll(async () => {
  await source?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

async function importInto(t: TestKernel, file: string, options: { password?: string; onConflict?: 'skip' | 'overwrite'; apply?: boolean } = {}) {
  return backupService(t).import(() => fs.createReadStream(file), { password: options.password ?? BACKUP_PASSWORD, onConflict: options.onConflict ?? 'skip', apply: options.apply ?? true });
}

test('a fresh instance gets users (they log in), servers (credentials open with its own vault), tokens, the installed app and the catalog', async () => {
  const target = await startBackupKernel();
  try {
    const summary = await importInto(target, backup);
    expect(summary.applied).toBe(true);
    const byTable = Object.fromEntries(summary.tables.map((t) => [t.table, t]));
    expect(byTable.auth_users).toMatchObject({ inBackup: 2, added: 2, replaced: 0, skipped: 0 });
    expect(byTable.servers).toMatchObject({ inBackup: 2, added: 2 });
    expect(byTable.app_installations).toMatchObject({ inBackup: 1, added: 1 });
    expect(byTable.auth_api_tokens).toMatchObject({ inBackup: 1, added: 1 });
    expect(summary.conflictCount).toBe(0);

    expect(await login(target, CAROL)).toBeTruthy();
    const vault = target.kernel.resolve(KernelTokens.Vault);
    expect(vault.keyId).not.toBe(source.kernel.resolve(KernelTokens.Vault).keyId);
    const [server] = await sql<{ id: string; credentialsSealed: string }>(target, `SELECT "id", "credentialsSealed" FROM "servers" WHERE "name" = 'alpha'`);
    expect(server.id).toBe(serverIds[0]);
    expect(JSON.parse(vault.openText(server.credentialsSealed, server.id))).toMatchObject({ password: SERVER_PASSWORD });
    const [app] = await sql<{ id: string; secretsSealed: string; state: string }>(target, 'SELECT "id", "secretsSealed", "state" FROM "app_installations"');
    expect(JSON.parse(vault.openText(app.secretsSealed, app.id))).toEqual({ TOKEN: APP_SECRET });

    const [catalog] = summary.catalogs;
    expect(catalog).toMatchObject({ name: 'my-catalog', files: 2 });
    expect(fs.readFileSync(path.join(catalog.restoredTo, 'custom-app.yaml'), 'utf8')).toMatch(/id: custom-app/);
    expect(fs.readFileSync(path.join(catalog.restoredTo, 'sub', 'icon.bin'))).toEqual(fs.readFileSync(path.join(catalogDir, 'sub', 'icon.bin')));

    // Acceptance 5: neither the backup password nor a plaintext credential reaches a log or a response.
    const logs = [...source.logs(), ...target.logs()].join('\n');
    for (const secret of [BACKUP_PASSWORD, SERVER_PASSWORD, APP_SECRET]) {
      expect(logs).not.toContain(secret);
      expect(JSON.stringify(summary)).not.toContain(secret);
    }
    expect(logs).toMatch(/Backup exported/);
    expect(logs).toMatch(/Backup imported/);
  } finally {
    await target.stop();
  }
});

test('the standard age CLI opens a Tomo backup with the password (interop)', () => {
  const out = path.join(work, 'plain.jsonl');
  // age reads a passphrase only from a terminal: `script` gives it one.
  const res = spawnSync('script', ['-qec', `age -d -o ${out} ${backup}`, '/dev/null'], { input: `${BACKUP_PASSWORD}\n`, encoding: 'utf8', timeout: 30000 });
  expect(res.status).toBe(0);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  expect(JSON.parse(lines[0])).toMatchObject({ format: 'tomo-backup', formatVersion: 1 });
  expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ end: true, counts: { auth_users: 2, servers: 2 } });
  expect(lines.some((l) => l.includes(SERVER_PASSWORD))).toBe(true);
  fs.rmSync(out);
});

describe('refusals leave the target byte-for-byte unchanged', () => {
  let target: TestKernel;
  beforeAll(async () => {
    target = await startBackupKernel();
    await addUser(target, { username: 'someone', password: 'someone-password-1' }, 'admin');
  });
  afterAll(() => target.stop());

  async function refused(file: string, password = BACKUP_PASSWORD): Promise<BackupError> {
    const before = await dbFingerprint(target);
    const err = await importInto(target, file, { password }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackupError);
    expect(await dbFingerprint(target)).toBe(before);
    expect((err as Error).message).not.toContain(password);
    return err as BackupError;
  }

  function variant(name: string, change: (bytes: Buffer) => Buffer): string {
    const file = path.join(work, name);
    fs.writeFileSync(file, change(fs.readFileSync(backup)));
    return file;
  }

  /** Offset of the first payload byte (after the age header's MAC line and the 16-byte nonce). */
  function payloadStart(bytes: Buffer): number {
    return bytes.indexOf('\n', bytes.indexOf('\n--- ') + 1) + 1 + 16;
  }

  test('wrong password', async () => {
    const err = await refused(backup, 'not-the-password-at-all');
    expect(err.reason).toBe('wrong_password');
    expect(err.message).toBe('Wrong password: this backup does not open with it');
  });

  test('one flipped byte in the payload', async () => {
    const err = await refused(variant('flipped.enc', (b) => ((b[Math.floor(b.length / 2)] ^= 0x01), b)));
    expect(err.reason).toBe('damaged');
    expect(err.message).toMatch(/damaged or cut short/);
  });

  test('one flipped byte in the header', async () => {
    const err = await refused(variant('flipped-header.enc', (b) => ((b[b.indexOf('\n--- ') + 8] ^= 0x01), b)));
    expect(err.reason).toBe('damaged');
    expect(err.message).toMatch(/header does not check out/);
  });

  test('cut short in the middle, and exactly at a chunk boundary', async () => {
    const bytes = fs.readFileSync(backup);
    const chunk = 64 * 1024 + 16;
    expect(bytes.length - payloadStart(bytes)).toBeGreaterThan(2 * chunk);
    expect((await refused(variant('cut-middle.enc', (b) => b.subarray(0, b.length - 1000)))).reason).toBe('damaged');
    for (const chunks of [1, 2]) {
      const err = await refused(variant(`cut-${chunks}.enc`, (b) => b.subarray(0, payloadStart(b) + chunks * chunk)));
      expect(err.reason).toBe('damaged');
      expect(err.message).toMatch(/cut short/);
    }
  });

  test('not an age file at all', async () => {
    const file = path.join(work, 'text.enc');
    fs.writeFileSync(file, 'hello\n');
    expect((await refused(file)).reason).toBe('not_a_backup');
  });

  async function craft(name: string, lines: unknown[]): Promise<string> {
    const file = path.join(work, name);
    const body = Readable.from([Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join(''))]);
    await new Promise<void>((resolve, reject) => {
      void encryptStream(body, BACKUP_PASSWORD, 10).then((s) => s.pipe(fs.createWriteStream(file)).on('finish', resolve).on('error', reject), reject);
    });
    return file;
  }
  const manifest = { format: 'tomo-backup', formatVersion: 1, tomoVersion: '0.1.0', createdAt: '2026-01-01T00:00:00Z', schemaMigrations: [], includesHistory: false, tables: [], catalogs: [] };

  test('a backup from a newer Tomo: newer format, or a database change this Tomo does not know', async () => {
    const newer = await refused(await craft('newer.enc', [{ ...manifest, formatVersion: 2, tomoVersion: '9.0.0' }, { end: true, counts: {}, sha256: {} }]));
    expect(newer.reason).toBe('newer_version');
    expect(newer.message).toMatch(/made by a newer Tomo \(9\.0\.0, backup format 2\).*Upgrade Tomo/);
    const schema = await refused(await craft('newer-schema.enc', [{ ...manifest, schemaMigrations: ['Future9999999999999'] }]));
    expect(schema.reason).toBe('newer_version');
    expect(schema.message).toMatch(/does not know \(Future9999999999999\)/);
  });

  test('content that does not add up: a wrong count, a missing end marker, a path out of the catalog folder, an unknown column', async () => {
    const users = { ...manifest, tables: [{ table: 'auth_users', label: 'users' }] };
    expect((await refused(await craft('count.enc', [users, { end: true, counts: { auth_users: 3, 'catalog files': 0 }, sha256: {} }]))).message).toMatch(/should hold 3 auth_users rows and holds 0/);
    expect((await refused(await craft('no-end.enc', [users]))).message).toMatch(/end marker is missing/);
    const withCatalog = { ...manifest, catalogs: [{ index: 0, name: 'c', kind: 'folder' }] };
    expect((await refused(await craft('escape.enc', [withCatalog, { f: { catalog: 0, path: '../../etc/x' }, d: '' }]))).message).toMatch(/not a plain relative path/);
    expect((await refused(await craft('column.enc', [users, { t: 'auth_users', r: { id: 'x', hacked: 1 } }]))).message).toMatch(/column "hacked" this Tomo does not know/);
    expect((await refused(await craft('table.enc', [users, { t: 'servers', r: {} }]))).message).toMatch(/table "servers" is not in the manifest/);
  });
});

test('conflicts: skip keeps what the target has, overwrite takes the backup, both listed; a dry run writes nothing', async () => {
  const target = await startBackupKernel();
  try {
    await addUser(target, { username: 'carol', password: 'carol-other-password' });
    await addUser(target, { username: 'admin', password: 'target-admin-password' }, 'admin');
    const admin = await login(target, { username: 'admin', password: 'target-admin-password' });
    await addServer(target, admin, 'alpha', 'target-ssh-password');

    const before = await dbFingerprint(target);
    const dry = await importInto(target, backup, { apply: false, onConflict: 'overwrite' });
    expect(dry.applied).toBe(false);
    expect(await dbFingerprint(target)).toBe(before);
    expect(dry.conflicts.map((c) => c.what).sort()).toEqual(['server alpha (192.0.2.10:22)', 'user admin', 'user carol']);

    const skipped = await importInto(target, backup, { onConflict: 'skip' });
    expect(skipped.conflicts.every((c) => c.action === 'skip')).toBe(true);
    expect(skipped.conflictCount).toBe(3);
    expect(await login(target, { username: 'carol', password: 'carol-other-password' })).toBeTruthy();
    const servers = (await sql<{ name: string }>(target, 'SELECT "name" FROM "servers" ORDER BY "name"')).map((r) => r.name);
    expect(servers).toEqual(['alpha', 'beta']);
    const vault = target.kernel.resolve(KernelTokens.Vault);
    const [alpha] = await sql<{ id: string; credentialsSealed: string }>(target, `SELECT "id", "credentialsSealed" FROM "servers" WHERE "name" = 'alpha'`);
    expect(JSON.parse(vault.openText(alpha.credentialsSealed, alpha.id))).toMatchObject({ password: 'target-ssh-password' });

    const overwritten = await importInto(target, backup, { onConflict: 'overwrite' });
    expect(overwritten.conflicts.map((c) => c.action)).toEqual(expect.arrayContaining(['overwrite']));
    expect(await login(target, CAROL)).toBeTruthy();
    const [alpha2] = await sql<{ id: string; credentialsSealed: string }>(target, `SELECT "id", "credentialsSealed" FROM "servers" WHERE "name" = 'alpha'`);
    expect(alpha2.id).toBe(alpha.id);
    expect(JSON.parse(vault.openText(alpha2.credentialsSealed, alpha2.id))).toMatchObject({ password: SERVER_PASSWORD });
    expect(await sqlValue(target, 'SELECT COUNT(*) FROM "servers"')).toBe(2);
  } finally {
    await target.stop();
  }
});

test('history: absent tables are fine; present unclaimed tables travel with --include-history only', async () => {
  await sql(source, 'CREATE TABLE IF NOT EXISTS "test_metrics" ("id" INTEGER PRIMARY KEY, "serverId" TEXT, "at" TEXT, "cpu" REAL)');
  await sql(source, 'INSERT INTO "test_metrics" ("id", "serverId", "at", "cpu") VALUES (1, ?, ?, ?) ON CONFLICT DO NOTHING', [serverIds[0], '2026-01-01T00:00:00Z', 0.5]);
  const without = await exportTo(source, work);
  const withHistory = await exportTo(source, work, { includeHistory: true });
  const target = await startBackupKernel();
  try {
    await sql(target, 'CREATE TABLE "test_metrics" ("id" INTEGER PRIMARY KEY, "serverId" TEXT, "at" TEXT, "cpu" REAL)');
    const a = await importInto(target, without, { apply: false });
    expect(a.tables.some((t) => t.table === 'test_metrics')).toBe(false);
    const b = await importInto(target, withHistory);
    expect(b.source.includesHistory).toBe(true);
    expect(b.tables.find((t) => t.table === 'test_metrics')).toMatchObject({ inBackup: 1, added: 1 });
    expect(await sqlValue(target, 'SELECT "serverId" FROM "test_metrics"')).toBe(serverIds[0]);
  } finally {
    await target.stop();
  }
  // A target without the table (its plugin is not installed): the rows are reported, not carried.
  const bare = await startBackupKernel();
  try {
    const c = await importInto(bare, withHistory);
    expect(c.tables.find((t) => t.table === 'test_metrics')).toMatchObject({ inBackup: 1, absent: true });
  } finally {
    await bare.stop();
  }
});

test('a backup from an older Tomo (before the apps plugin existed) imports: what it lacks stays empty', async () => {
  const older = await startBackupKernel();
  try {
    await addUser(older, { username: 'old-timer', password: 'old-timer-password' });
    // The older schema: no apps migration and no apps table.
    await sql(older, 'DROP TABLE "app_installations"');
    await sql(older, `DELETE FROM "migrations" WHERE "name" LIKE 'Apps%'`);
    const file = await exportTo(older, work);
    const target = await startBackupKernel();
    try {
      const summary = await importInto(target, file);
      expect(summary.tables.map((t) => t.table)).not.toContain('app_installations');
      expect(await login(target, { username: 'old-timer', password: 'old-timer-password' })).toBeTruthy();
    } finally {
      await target.stop();
    }
  } finally {
    await older.stop();
  }
});

test('export refuses a short password, naming the field, and one export at a time', async () => {
  const sink = fs.createWriteStream(path.join(work, 'short.enc'));
  await expect(backupService(source).export(sink, { password: 'short', includeHistory: false })).rejects.toMatchObject({ field: 'password', message: 'must be at least 12 characters' });
  sink.destroy();
  const first = exportTo(source, work);
  await expect(exportTo(source, work)).rejects.toMatchObject({ reason: 'busy' });
  await first;
});
