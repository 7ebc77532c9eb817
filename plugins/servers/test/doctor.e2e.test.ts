/**
 * `tomo doctor` end to end: the built `tomo` (bin/tomo.js with every built-in plugin) checks a
 * real installation — config, folders, vault key, the database (SQLite's integrity check, or a
 * PostgreSQL database that answers when TOMO_TEST_DATABASE_URL is set) and migrations — and,
 * through the servers plugin, each server over real SSH: the test bed's sshd (healthy) and a
 * server of its own whose sshd is stopped (its port then refuses). Exit 0 when all is well, 1 on
 * a problem.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The test bed's PostgreSQL databases for test kernels (not exported for plugins: a CLI test is rare).
import { dropTestDatabase, testDatabaseUrl } from '../../../kernel/src/testing/test-database';
import { startOwnSshd, type OwnSshd } from './support/own-sshd';
import { passwordServer, startServersKernel } from './support/servers-kernel';
import { passwordServerAt } from './support/ssh-helpers';

jest.setTimeout(120000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TOMO = path.join(ROOT, 'bin', 'tomo.js');

let dir: string;
let configFile: string;
let sshd: OwnSshd | undefined;
let fingerprint: string;
/** The installation's PostgreSQL database (its URL holds a password); undefined on SQLite. */
let databaseUrl: string | undefined;

function tomo(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOMO_')));
  const res = spawnSync(process.execPath, [TOMO, ...args, '--config', configFile], { cwd: dir, env, encoding: 'utf8', timeout: 90000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The report's line for one check (`ok` or `PROBLEM`, the check's name, what was found). */
const line = (stdout: string, check: string): string => stdout.split('\n').find((l) => new RegExp(`^  (ok     |PROBLEM)  ${check}\\b`).test(l)) ?? `(no line for ${check})`;

beforeAll(async () => {
  const missing = ['kernel/dist/index.js', 'plugins/servers/dist/plugin.js'].filter((f) => !fs.existsSync(path.join(ROOT, f)));
  if (missing.length) throw new Error(`${missing.join(', ')} missing: run \`npm run build\` before this test`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-doctor-'));
  const dataDir = path.join(dir, 'data');
  configFile = path.join(dir, 'config.yaml');
  // Remembered in a folder of its own: Tomo makes the data folder itself (mode 0750).
  databaseUrl = await testDatabaseUrl(path.join(dir, 'postgres'));
  fs.writeFileSync(configFile, `dataDir: ${dataDir}\nserver:\n  port: 0\n${databaseUrl ? `database:\n  url: ${JSON.stringify(databaseUrl)}\n` : ''}`);
  // The database of a full installation (every built-in plugin's migrations) and its vault key.
  const migrated = tomo('migrate');
  expect({ status: migrated.status, stderr: migrated.stderr }).toEqual({ status: 0, stderr: '' });

  // Two servers, each host key trusted by a connection test: the test bed's sshd and one of our own.
  sshd = await startOwnSshd();
  fingerprint = sshd.fingerprint();
  const t = await startServersKernel({ dataDir, ...(databaseUrl ? { database: { url: databaseUrl } } : {}) });
  try {
    for (const body of [passwordServer('testbed'), passwordServerAt('own', sshd.port)]) {
      const added = await t.request('POST', '/api/servers', { token: t.tokens.admin, body });
      expect(added.status).toBe(201);
      const tested = await t.request('POST', `/api/servers/${added.body.id}/test`, { token: t.tokens.admin });
      expect(tested.body).toMatchObject({ ok: true });
    }
  } finally {
    await t.stop({ keepData: true });
  }
}, 180000);

afterAll(async () => {
  await sshd?.cleanup();
  if (dir) {
    await dropTestDatabase(path.join(dir, 'postgres'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a healthy installation: every check ok, both servers reached with the trusted host key, exit 0', () => {
  const res = tomo('doctor');
  console.log(res.stdout);
  expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
  expect(res.stdout).toMatch(/^Tomo \d+\.\d+\.\d+\S* doctor \(Node\.js v\d+/);
  for (const check of ['config', 'data folder', 'log folder', 'secrets folder', 'vault key', 'database', 'migrations', 'server testbed', 'server own']) {
    expect(line(res.stdout, check)).toMatch(/^ {2}ok {5}/);
  }
  expect(line(res.stdout, 'vault key')).toContain('mode 0600');
  if (databaseUrl) {
    expect(line(res.stdout, 'database')).toMatch(/ answers$/);
    expect(res.stdout).not.toContain(decodeURIComponent(new URL(databaseUrl).password));
  } else {
    expect(line(res.stdout, 'database')).toContain('integrity check ok');
  }
  expect(line(res.stdout, 'server own')).toContain(`reachable, host key ssh-ed25519 ${fingerprint} matches`);
  expect(res.stdout).toMatch(/\nNo problems found\.\n$/);
});

test('a server whose sshd is down is reported by name with the reason, the healthy one stays ok; exit 1', async () => {
  await sshd!.cleanup();
  sshd = undefined;
  const res = tomo('doctor');
  console.log(res.stdout);
  expect(res.status).toBe(1);
  expect(line(res.stdout, 'server own')).toMatch(/^ {2}PROBLEM {2}server own +\S+@127\.0\.0\.1:\d+: connection_refused: /);
  expect(line(res.stdout, 'server testbed')).toMatch(/^ {2}ok {5}/);
  expect(res.stdout).toMatch(/\n1 problem\(s\) found\.\n$/);
});

test('a planted problem: the vault key readable by everyone (0644) is reported with the fix; exit 1', () => {
  const keyFile = path.join(dir, 'data', 'secrets', 'vault.key');
  fs.chmodSync(keyFile, 0o644);
  try {
    const res = tomo('doctor');
    expect(res.status).toBe(1);
    expect(line(res.stdout, 'vault key')).toBe(`  PROBLEM  vault key       ${keyFile} has mode 0644: it must be 0600, readable by its owner only (chmod 600 ${keyFile})`);
    // The servers are not tried while the installation itself has a problem.
    expect(line(res.stdout, 'plugins')).toMatch(/^ {2}PROBLEM {2}plugins +not checked \(servers\): fix the problems above first$/);
  } finally {
    fs.chmodSync(keyFile, 0o600);
  }
});

test('an unknown config key and a plugin section that breaks its schema are reported by name; exit 1', () => {
  const original = fs.readFileSync(configFile, 'utf8');
  fs.writeFileSync(configFile, `${original}serverz:\n  port: 1\nservers:\n  ssh:\n    bogus: true\n`);
  try {
    const res = tomo('doctor');
    expect(res.status).toBe(1);
    const config = res.stdout.split('\n').filter((l) => l.startsWith('  PROBLEM  config'));
    expect(config).toHaveLength(2);
    expect(config.join('\n')).toContain('Unknown key "serverz"');
    expect(config.join('\n')).toMatch(/servers\.ssh/);
  } finally {
    fs.writeFileSync(configFile, original);
  }
});

test('tomo --version prints the version of package.json', () => {
  const res = tomo('--version');
  expect({ status: res.status, stdout: res.stdout.trim() }).toEqual({ status: 0, stdout: (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version });
});
