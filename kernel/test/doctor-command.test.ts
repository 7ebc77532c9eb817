import fs from 'node:fs';
import path from 'node:path';
import { createCli, type Distribution } from '@tomo/kernel';
import { makeTempDir, removeTempDirs, writeFiles, writePluginPackage } from './support/temp-dir';

// `tomo doctor` in this process on a plugin of its own (a config schema, a migration, a doctor
// check): the kernel's checks one by one, each problem found in a real file or folder. The
// servers plugin's checks over real SSH are in plugins/servers/test/doctor.e2e.test.ts.

let builtinDir: string;
let output: string;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('TOMO_')) savedEnv[k] = process.env[k];
  for (const k of Object.keys(savedEnv)) delete process.env[k];
  builtinDir = makeTempDir('tomo-doctor-builtin-');
  writePluginPackage(
    builtinDir,
    'doc-notes',
    { name: '@tomo/plugin-doc-notes', plugin: 'doc-notes' },
    `const { definePlugin } = require('@tomo/kernel');
const { z } = require(${JSON.stringify(require.resolve('zod'))});
class DocNotesInitial1700000000000 {
  async up(q) { await q.query('CREATE TABLE "doc_notes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL)'); }
  async down(q) { await q.query('DROP TABLE "doc_notes"'); }
}
module.exports = definePlugin({
  id: 'doc-notes',
  config: z.strictObject({ level: z.number().int().default(1) }),
  migrations: [DocNotesInitial1700000000000],
  async doctor(kernel) {
    return [{ check: 'notes', ok: true, detail: 'the plugin check ran on a started kernel: ' + typeof kernel.resolve }];
  },
});
`,
  );
});
afterAll(() => {
  Object.assign(process.env, savedEnv);
  removeTempDirs();
});
beforeEach(() => {
  output = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((output += String(chunk)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = undefined;
});

const dist = (): Distribution => ({ version: '9.9.9', builtinPluginDirs: [builtinDir] });

function configFile(extra = ''): { file: string; dataDir: string } {
  const dir = makeTempDir('tomo-doctor-conf-');
  const dataDir = path.join(dir, 'data');
  writeFiles(dir, { 'config.yaml': `dataDir: ${dataDir}\n${extra}` });
  return { file: path.join(dir, 'config.yaml'), dataDir };
}

async function run(...args: string[]): Promise<void> {
  await createCli(dist(), ['node', 'tomo', ...args]).exitOverride().parseAsync(['node', 'tomo', ...args]);
}

const line = (check: string): string => output.split('\n').find((l) => l.startsWith(`  ok       ${check} `) || l.startsWith(`  PROBLEM  ${check} `)) ?? `(no ${check} line)`;

async function migrated(extra = ''): Promise<{ file: string; dataDir: string }> {
  const conf = configFile(extra);
  await run('--config', conf.file, 'migrate');
  output = '';
  return conf;
}

test('a sound installation: every kernel check ok, then the plugin checks on a started kernel; exit code untouched', async () => {
  const { file } = await migrated();
  await run('--config', file, 'doctor');
  expect(output).toMatch(/^Tomo 9\.9\.9 doctor \(Node\.js v/);
  expect(line('config')).toBe(`  ok       config          ${file}: valid, every key known`);
  expect(line('migrations')).toMatch(/ok +migrations +all 1 applied$/);
  expect(line('notes')).toMatch(/ok +notes +the plugin check ran on a started kernel: function$/);
  expect(output).toMatch(/No problems found\.\n$/);
  expect(process.exitCode).toBeUndefined();
});

test('before the first start: no folders, no key, no database, all reported; the plugin checks wait', async () => {
  const { file, dataDir } = configFile();
  await run('--config', file, 'doctor');
  expect(process.exitCode).toBe(1);
  expect(line('data folder')).toBe(`  PROBLEM  data folder     ${dataDir} does not exist (Tomo creates it at start; check the path in the config)`);
  expect(line('vault key')).toMatch(/PROBLEM +vault key +\S+vault\.key does not exist/);
  expect(line('database')).toMatch(/PROBLEM +database +\S+tomo\.db does not exist: start Tomo once/);
  expect(line('plugins')).toMatch(/PROBLEM +plugins +not checked \(doc-notes\)/);
});

test('a bad kernel setting stops at the config, naming the key', async () => {
  const { file } = configFile('server:\n  port: not-a-port\n');
  await run('--config', file, 'doctor');
  expect(process.exitCode).toBe(1);
  expect(output).toMatch(/PROBLEM +config +Invalid configuration: server\.port: /);
  expect(output).toMatch(/1 problem\(s\) found\.\n$/);
});

test("a plugin's section that breaks its schema, and a key nothing knows", async () => {
  const { file } = await migrated();
  fs.appendFileSync(file, 'doc-notes:\n  level: high\ndoc-notez: {}\n');
  await run('--config', file, 'doctor');
  expect(process.exitCode).toBe(1);
  expect(output).toMatch(/PROBLEM +config +Invalid configuration: doc-notes\.level: /);
  expect(output).toContain('Unknown key "doc-notez": no kernel setting and no installed plugin has that name');
});

test('folders open to others, a key owned by someone else, and a database that is not SQLite', async () => {
  const { file, dataDir } = await migrated();
  fs.chmodSync(path.join(dataDir, 'secrets'), 0o755);
  fs.chmodSync(path.join(dataDir, 'logs'), 0o777);
  const key = path.join(dataDir, 'secrets', 'vault.key');
  fs.chownSync(key, 65534, 65534);
  fs.writeFileSync(path.join(dataDir, 'tomo.db'), 'not a database, just text that is long enough to have a header');
  for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(dataDir, `tomo.db${suffix}`), { force: true });
  await run('--config', file, 'doctor');
  expect(process.exitCode).toBe(1);
  expect(line('secrets folder')).toBe(`  PROBLEM  secrets folder  ${dataDir}/secrets has mode 0755: group and others may have at most 0000 (chmod 0700 ${dataDir}/secrets)`);
  expect(line('log folder')).toBe(`  PROBLEM  log folder      ${dataDir}/logs has mode 0777: group and others may have at most 0050 (chmod 0750 ${dataDir}/logs)`);
  expect(line('vault key')).toMatch(new RegExp(`PROBLEM +vault key +${key} is owned by uid 65534, not by the service user \\S+ \\(uid ${process.getuid!()}\\): chown `));
  expect(line('database')).toMatch(/PROBLEM +database +\S+tomo\.db cannot be read as SQLite: file is not a database/);
});
