import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { definePlugin, definePluginModule } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';
import { EntitySchema, Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { appsPlugin, builtInCatalogModule } from '../../apps/src/plugin';
import { authPlugin } from '../../auth/src/plugin';
import { builtInPreparersModule, preparationPlugin } from '../../preparation/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { decryptStream, encryptStream, readHeader, unlockFileKey } from '../src/format/age-stream';
import { backupPlugin } from '../src/plugin';
import { addInstallation, addServer, addUser, ADMIN, BACKUP_PASSWORD, BACKUP_TABLE_MODULES, backupService, CAROL, exportTo, login, sql, sqlValue, startBackupKernel, tempDir } from './support/backup-kernel';

// The `backup.tables` extension point on real kernels: a plugin backup knows nothing about gets its
// rows carried and matched by what it declares; what nobody declares is said out loud.

/** A plugin of the kind a third party writes: one table of its own, pointing at servers. */
const pinsPlugin = definePlugin({
  id: 'pins',
  dependsOn: ['servers'],
  entities: [
    new EntitySchema<{ id: string; serverId: string; label: string }>({
      name: 'Pin',
      tableName: 'pins',
      columns: { id: { type: 'varchar', length: 36, primary: true }, serverId: { type: 'varchar', length: 36 }, label: { type: 'varchar', length: 100 } },
    }),
  ],
  migrations: [
    class PinsInitial1799000000000 implements MigrationInterface {
      name = 'PinsInitial1799000000000';
      async up(q: QueryRunner): Promise<void> {
        await q.createTable(new Table({ name: 'pins', columns: [{ name: 'id', type: 'varchar', length: '36', isPrimary: true }, { name: 'serverId', type: 'varchar', length: '36' }, { name: 'label', type: 'varchar', length: '100' }] }));
      }
      async down(q: QueryRunner): Promise<void> {
        await q.dropTable('pins');
      }
    },
  ],
});
const pinsBackupModule = definePluginModule({
  id: 'pins-backup',
  targetPlugin: 'backup',
  register: (ctx) =>
    ctx.getExtensionPoint(backupTablesExtensionPoint).addTable({ table: 'pins', label: 'pins', refs: { serverId: 'servers' }, naturalKeys: [['serverId', 'label']], describe: (r) => `pin ${String(r.label)}` }),
});

const startWithPins = (dataDir?: string) =>
  startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin, pinsPlugin],
    modules: [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES, pinsBackupModule],
    dataDir,
    listen: true,
    config: { backup: { scryptWorkFactor: 10 } },
  });

const importInto = (t: TestKernel, file: string, onConflict: 'skip' | 'overwrite' = 'skip') =>
  backupService(t).import(() => fs.createReadStream(file), { password: BACKUP_PASSWORD, onConflict, apply: true });

let work: string;
beforeAll(() => {
  work = tempDir('tomo-backup-declared-');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test("a plugin's declared table travels without --include-history, and its references follow the server they point at", async () => {
  const source = await startWithPins();
  const target = await startWithPins();
  try {
    await addUser(source, ADMIN, 'admin');
    const serverId = await addServer(source, await login(source, ADMIN), 'alpha');
    await sql(source, 'INSERT INTO "pins" ("id", "serverId", "label") VALUES (?, ?, ?)', ['pin-1', serverId, 'rack 3']);
    const file = await exportTo(source, work);

    // The target already has "alpha" of "admin" under other ids: the import matches it by name and the pin follows.
    await addUser(target, ADMIN, 'admin');
    const targetServer = await addServer(target, await login(target, ADMIN), 'alpha');
    expect(targetServer).not.toBe(serverId);
    const summary = await importInto(target, file);
    const order = summary.tables.map((t) => t.table);
    expect(order.indexOf('pins')).toBeGreaterThan(order.indexOf('servers'));
    expect(summary.tables.find((t) => t.table === 'pins')).toMatchObject({ label: 'pins', inBackup: 1, added: 1 });
    expect(await sql(target, 'SELECT "serverId", "label" FROM "pins"')).toEqual([{ serverId: targetServer, label: 'rack 3' }]);
    // Imported again: the pin matches by its natural key and is a conflict, described by its owner's words.
    const again = await importInto(target, file);
    expect(again.conflicts).toContainEqual({ table: 'pins', what: 'pin rack 3', action: 'skip' });
  } finally {
    await source.stop();
    await target.stop();
  }
});

test('a module declaring a table that names one nobody declares stops start-up, naming both', async () => {
  const broken = definePluginModule({
    id: 'broken-backup',
    targetPlugin: 'backup',
    register: (ctx) => ctx.getExtensionPoint(backupTablesExtensionPoint).addTable({ table: 'widgets', label: 'widgets', refs: { gadgetId: 'gadgets' } }),
  });
  await expect(startTestKernel({ plugins: [backupPlugin], modules: [broken], listen: false })).rejects.toThrow(
    'Backup table "widgets" refers to table "gadgets" (gadgetId), which no plugin declares for backups',
  );
});

test('a table nobody declares: a warning at start, named by every export, carried row for row only with --include-history', async () => {
  const dataDir = tempDir('tomo-backup-undeclared-');
  const first = await startBackupKernel({ dataDir });
  await sql(first, 'CREATE TABLE "orphan_notes" ("id" INTEGER PRIMARY KEY, "body" TEXT)');
  await sql(first, 'INSERT INTO "orphan_notes" ("id", "body") VALUES (1, ?)', ['left behind by a removed plugin']);
  await first.stop();
  const source = await startBackupKernel({ dataDir });
  try {
    const warning = source.logs().find((l) => l.includes('No plugin declares these tables for backups'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, tables: ['orphan_notes'] });

    const without = await backupService(source).export(fs.createWriteStream(`${work}/without.enc`), { password: BACKUP_PASSWORD, includeHistory: false });
    expect(without.undeclared).toEqual(['orphan_notes']);
    expect(without.counts.orphan_notes).toBeUndefined();
    const withHistory = await backupService(source).export(fs.createWriteStream(`${work}/with.enc`), { password: BACKUP_PASSWORD, includeHistory: true });
    expect(withHistory.undeclared).toEqual(['orphan_notes']);
    expect(withHistory.counts.orphan_notes).toBe(1);
    expect(source.logs().filter((l) => l.includes('Tables no plugin declares for backups')).length).toBe(2);
  } finally {
    await source.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("replacing a user ends that user's sessions on the target (auth declares it), and keeps other users'", async () => {
  const source = await startBackupKernel();
  const target = await startBackupKernel();
  try {
    await addUser(source, ADMIN, 'admin');
    await addUser(source, CAROL);
    const file = await exportTo(source, work);
    await addUser(target, ADMIN, 'admin');
    await addUser(target, { username: 'dave', password: 'dave-password-12345' });
    await login(target, ADMIN);
    await login(target, { username: 'dave', password: 'dave-password-12345' });
    const sessions = () =>
      sql(target, 'SELECT u."username", COUNT(s."id") AS "n" FROM "auth_users" u LEFT JOIN "auth_sessions" s ON s."userId" = u."id" GROUP BY u."username" ORDER BY u."username"');
    expect(await sessions()).toEqual([{ username: 'admin', n: 1 }, { username: 'dave', n: 1 }]);
    await importInto(target, file, 'overwrite');
    expect(await sessions()).toEqual([{ username: 'admin', n: 0 }, { username: 'carol', n: 0 }, { username: 'dave', n: 1 }]);
  } finally {
    await source.stop();
    await target.stop();
  }
});

test('with backup disabled, the other plugins still start: their declaring modules are left out, not an error', async () => {
  const t = await startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin],
    modules: [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES],
    config: { plugins: { disabled: ['backup'] } },
    listen: false,
  });
  try {
    const states = Object.fromEntries(t.kernel.pluginStatuses().map((s) => [s.id, s.state]));
    expect(states).toMatchObject({ auth: 'active', servers: 'active', preparation: 'active', apps: 'active', backup: 'disabled', 'auth-backup-tables': 'disabled', 'apps-backup-tables': 'disabled' });
  } finally {
    await t.stop();
  }
});

/** The order the built-in tables travelled in before their owners declared them (a fixed list in backup). */
const EARLIER_ORDER = ['auth_users', 'auth_api_tokens', 'servers', 'preparations', 'preparation_logs', 'app_installations'];

/**
 * Rewrites a backup with its tables in `order` (each table's lines, checksums and counts unchanged), as an earlier Tomo wrote it:
 * tables not in `order` (added since, such as auth_recovery_codes) are left out, as that Tomo had none.
 */
async function reorder(file: string, order: string[], out: string): Promise<void> {
  const key = await unlockFileKey(await readHeader(fs.createReadStream(file)), BACKUP_PASSWORD);
  const chunks: Buffer[] = [];
  for await (const c of await decryptStream(fs.createReadStream(file), key)) chunks.push(c as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
  const manifest = JSON.parse(lines[0]) as { tables: Array<{ table: string }> };
  manifest.tables = manifest.tables.filter(({ table }) => order.includes(table));
  manifest.tables.sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table));
  const rows = lines.slice(1, -1).filter((l) => l.startsWith('{"t":'));
  const others = lines.slice(1, -1).filter((l) => !l.startsWith('{"t":'));
  const ordered = manifest.tables.flatMap(({ table }) => rows.filter((l) => (JSON.parse(l) as { t: string }).t === table));
  const text = [JSON.stringify(manifest), ...ordered, ...others, lines[lines.length - 1]].join('\n') + '\n';
  await pipeline(await encryptStream(Readable.from([Buffer.from(text)]), BACKUP_PASSWORD, 10), fs.createWriteStream(out));
}

test('a backup written in the earlier fixed table order, with a Portainer template file, imports', async () => {
  const templates = path.join(work, 'templates.json');
  fs.writeFileSync(templates, JSON.stringify({ version: '2', templates: [] }));
  const source = await startBackupKernel({ catalogDir: templates });
  const target = await startBackupKernel();
  try {
    await addUser(source, ADMIN, 'admin');
    const serverId = await addServer(source, await login(source, ADMIN), 'alpha');
    await addInstallation(source, serverId, (await sqlValue(source, 'SELECT "id" FROM "auth_users"')) as string);
    await sql(source, `INSERT INTO "preparations" ("id", "serverId", "status", "stepsJson", "updatedAt") VALUES ('prep-1', ?, 'completed', '[]', ?)`, [serverId, new Date().toISOString()]);
    const earlier = path.join(work, 'earlier-order.enc');
    await reorder(await exportTo(source, work), EARLIER_ORDER, earlier);

    const summary = await importInto(target, earlier);
    expect(summary.tables.map((t) => t.table)).toEqual(EARLIER_ORDER);
    expect(summary.tables.map((t) => [t.table, t.added])).toEqual([['auth_users', 1], ['auth_api_tokens', 0], ['servers', 1], ['preparations', 1], ['preparation_logs', 0], ['app_installations', 1]]);
    expect(summary.catalogs).toEqual([expect.objectContaining({ name: 'templates.json', files: 1 })]);
    expect(await sqlValue(target, 'SELECT "serverId" FROM "app_installations"')).toBe(serverId);
  } finally {
    await source.stop();
    await target.stop();
  }
});

/** Pins declared with an owner's row upgrader (as a newer pins plugin would bring rows of an older backup to its shape). */
const startWithPinsUpgrading = (upgradeRow: NonNullable<import('@tomo/plugin-backup/api').BackupTableSpec['upgradeRow']>) =>
  startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin, pinsPlugin],
    modules: [
      builtInPreparersModule,
      builtInCatalogModule,
      ...BACKUP_TABLE_MODULES,
      definePluginModule({
        id: 'pins-backup',
        targetPlugin: 'backup',
        register: (ctx) => ctx.getExtensionPoint(backupTablesExtensionPoint).addTable({ table: 'pins', label: 'pins', refs: { serverId: 'servers' }, upgradeRow }),
      }),
    ],
    listen: true,
    config: { backup: { scryptWorkFactor: 10 } },
  });

test("an owner's row upgrader shapes, leaves out or refuses the backup's rows; a refusal names the table and writes nothing", async () => {
  const source = await startWithPins();
  let target: TestKernel | undefined;
  let refusing: TestKernel | undefined;
  try {
    await addUser(source, ADMIN, 'admin');
    const serverId = await addServer(source, await login(source, ADMIN), 'alpha');
    const insert = (...values: string[]) => sql(source, 'INSERT INTO "pins" ("id", "serverId", "label") VALUES (?, ?, ?)', values);
    await insert('pin-1', serverId, 'rack 3');
    await insert('pin-2', serverId, 'obsolete');
    const file = await exportTo(source, work);

    // It sees the backup's migrations and the target's id of the server (the same here: no match), and runs in the check too.
    const seen: Array<{ label: unknown; known: boolean; server: string | undefined; dryRun: boolean }> = [];
    target = await startWithPinsUpgrading((row, ctx) => {
      seen.push({ label: row.label, known: ctx.backupMigrations.has('PinsInitial1799000000000'), server: ctx.targetId('servers', String(row.serverId)), dryRun: ctx.dryRun });
      return row.label === 'obsolete' ? null : { ...row, label: `${String(row.label)} (upgraded)` };
    });
    const summary = await importInto(target, file);
    expect(summary.tables.find((t) => t.table === 'pins')).toMatchObject({ inBackup: 2, added: 1, skipped: 1 });
    expect(await sql(target, 'SELECT "id", "serverId", "label" FROM "pins"')).toEqual([{ id: 'pin-1', serverId, label: 'rack 3 (upgraded)' }]);
    expect(seen).toEqual([true, false].flatMap((dryRun) => ['rack 3', 'obsolete'].map((label) => ({ label, known: true, server: serverId, dryRun }))));

    // An upgrader that cannot: the import is refused naming the rows and why, and nothing of the backup is written.
    refusing = await startWithPinsUpgrading(() => {
      throw new Error('pins from before 2.0 need their rack numbers');
    });
    await expect(importInto(refusing, file)).rejects.toThrow("The backup's pins could not be brought to this Tomo's shape: pins from before 2.0 need their rack numbers");
    expect(await sqlValue(refusing, 'SELECT COUNT(*) FROM "servers"')).toBe(0);
    expect(await sqlValue(refusing, 'SELECT COUNT(*) FROM "pins"')).toBe(0);
  } finally {
    await source.stop();
    await target?.stop();
    await refusing?.stop();
  }
});
