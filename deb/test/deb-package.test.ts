// The .deb (deb/build.sh): what lintian says of it, its control fields and files, the Node.js
// runtime it carries, and the real thing: `apt install ./tomo_*.deb` in a fresh Debian 13 system
// container (systemd as PID 1, apt against Debian's mirror) resolves its dependencies, starts the
// service, `tomo admin create` works, a login in Chromium works, `apt remove` keeps the data and
// `apt purge` removes it.
//
// The package is built once (a few minutes) and cached in $TMPDIR/tomo-deb-cache by a hash of the
// committed tree and the packaging files; TOMO_DEB=<file> tests a given one.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { assertTools, builtDeb, controlFields, controlMember, packagedFiles, SHARED_DIR, unpackPayload, type PackagedFile } from './support/deb-build';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFreshServer } = require('../../scripts/testbed/fresh-server.js') as {
  startFreshServer(options: { sudo: 'none'; debian: 13; username: string }): Promise<FreshServer>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

interface FreshServer {
  id: string;
  exec(argv: string[], opts?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

const BUILD_TIMEOUT_MS = 30 * 60 * 1000;
const PASSWORD = 'a-long-admin-password';

let deb: string;
let files: Map<string, PackagedFile>;
let work: string;
let root: string;

beforeAll(() => {
  assertTools();
  deb = builtDeb();
  files = packagedFiles(deb);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-deb-test-'));
  root = unpackPayload(deb, work);
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function file(name: string): PackagedFile {
  const found = files.get(name);
  if (!found) throw new Error(`${name} is not in the package`);
  return found;
}

describe('the package file', () => {
  test('lintian reports no errors or warnings (the deliberate exceptions are in deb/lintian-overrides, each explained)', () => {
    const res = spawnSync('lintian', ['--no-tag-display-limit', deb], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const output = `${res.stdout}${res.stderr}`;
    const tags = output.split('\n').filter((l) => /^[EWIPXO]: /.test(l));
    expect(tags.filter((l) => /^[EW]: /.test(l))).toEqual([]);
    expect(res.status).toBe(0);
    console.log(`lintian: 0 errors, 0 warnings; ${tags.length} info/pedantic tags${tags.length ? `:\n${tags.join('\n')}` : ''}`);
  }, 300000);

  test('is tomo_<version>-1_<arch>.deb with the control fields apt needs: Depends resolved from the ELF files, plus systemd', () => {
    const fields = controlFields(deb);
    const version = (JSON.parse(fs.readFileSync(path.join(root, 'usr/lib/tomo/package.json'), 'utf8')) as { version: string }).version;
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    expect(path.basename(deb)).toBe(`tomo_${version.replace(/-/g, '~')}-1_${arch}.deb`);
    expect(fields).toMatchObject({ Package: 'tomo', Version: `${version.replace(/-/g, '~')}-1`, Architecture: arch, Section: 'admin', Priority: 'optional' });
    const depends = fields.Depends.split(',').map((d) => d.trim().split(' ')[0]);
    expect(depends).toEqual(expect.arrayContaining(['libc6', 'libstdc++6', 'libgcc-s1', 'systemd']));
    expect(fields.Recommends).toBe('logrotate');
    expect(Number(fields['Installed-Size'])).toBeGreaterThan(100000);
    expect(controlMember(deb, 'conffiles').split('\n').filter(Boolean).sort()).toEqual(['/etc/logrotate.d/tomo', '/etc/tomo/config.yaml']);
    for (const script of ['postinst', 'prerm', 'postrm']) {
      expect(spawnSync('sh', ['-n'], { input: controlMember(deb, script) }).status).toBe(0);
    }
  });

  test('the unit, sysusers.d, tmpfiles.d, logrotate and config files are the ones in packaging/ (shared with the RPM)', () => {
    for (const [packaged, source] of [
      ['/usr/lib/systemd/system/tomo.service', 'tomo.service'],
      ['/usr/lib/sysusers.d/tomo.conf', 'tomo.sysusers'],
      ['/usr/lib/tmpfiles.d/tomo.conf', 'tomo.tmpfiles'],
      ['/etc/logrotate.d/tomo', 'tomo.logrotate'],
      ['/etc/tomo/config.yaml', 'config.yaml'],
    ]) {
      expect(fs.readFileSync(path.join(root, packaged), 'utf8')).toBe(fs.readFileSync(path.join(SHARED_DIR, source), 'utf8'));
    }
    expect(file('/usr/lib/systemd/system/tomo.service')).toMatchObject({ perms: '-rw-r--r--', owner: 'root/root' });
    expect(file('/etc/tomo/config.yaml')).toMatchObject({ perms: '-rw-r-----', owner: 'root/root' });
    // The wrapper is packaging/tomo.sh with the bundled runtime instead of /usr/bin/node.
    expect(file('/usr/bin/tomo')).toMatchObject({ perms: '-rwxr-xr-x', owner: 'root/root' });
    expect(fs.readFileSync(path.join(root, 'usr/bin/tomo'), 'utf8')).toBe(
      fs.readFileSync(path.join(SHARED_DIR, 'tomo.sh'), 'utf8').replaceAll('/usr/bin/node /usr/lib/tomo/', '/usr/lib/tomo/node/bin/node /usr/lib/tomo/'),
    );
    // Nothing belongs to anyone but root in the archive: postinst hands the folders to tomo.
    expect([...files.values()].filter((f) => f.owner !== 'root/root')).toEqual([]);
    expect([...files.keys()].filter((f) => f.startsWith('/var/'))).toEqual([]);
  });

  test('carries Node.js 24 in /usr/lib/tomo/node, and the native modules load in it', () => {
    const node = path.join(root, 'usr/lib/tomo/node/bin/node');
    expect(file('/usr/lib/tomo/node/bin/node').perms).toBe('-rwxr-xr-x');
    expect(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()).toMatch(/^24\./);
    // better-sqlite3 and bcrypt compiled for this runtime's ABI (a mismatch throws NODE_MODULE_VERSION).
    const modules = path.join(root, 'usr/lib/tomo/node_modules');
    const probe = `
      const Database = require(${JSON.stringify(path.join(modules, 'better-sqlite3'))});
      const bcrypt = require(${JSON.stringify(path.join(modules, 'bcrypt'))});
      const db = new Database(':memory:');
      console.log(db.prepare('select 40 + 2 as n').get().n, bcrypt.compareSync('x', bcrypt.hashSync('x', 4)));`;
    expect(execFileSync(node, ['-e', probe], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } }).trim()).toBe('42 true');
    // Node scripts name the bundled runtime, never a /usr/bin/node the package does not bring.
    const shebangs = new Map<string, number>();
    for (const entry of fs.readdirSync(path.join(root, 'usr/lib/tomo'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const first = fs.readFileSync(path.join(entry.parentPath, entry.name)).subarray(0, 200).toString('latin1').split('\n')[0];
      if (first.startsWith('#!') && /node/.test(first)) shebangs.set(first, (shebangs.get(first) ?? 0) + 1);
    }
    expect([...shebangs.keys()]).toEqual(['#!/usr/lib/tomo/node/bin/node']);
  });
});

describe('installed with apt on a fresh Debian 13 machine (systemd as PID 1, Debian mirror)', () => {
  let server: FreshServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Its login user must not be called tomo (the default): that name is the package's.
    server = await startFreshServer({ sudo: 'none', debian: 13, username: 'sysop' });
    execFileSync(fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker', ['cp', deb, `${server.id}:/root/${path.basename(deb)}`]);
    await must(['apt-get', 'update', '-qq'], 120000);
  }, 300000);

  afterAll(async () => {
    await browser?.close();
    await server?.remove();
  });

  async function must(argv: string[], timeoutMs = 120000, input?: string): Promise<string> {
    const res = await server.exec(argv, { timeoutMs, input });
    if (res.code !== 0) throw new Error(`${argv.join(' ')} exited ${res.code}:\n${res.stderr}${res.stdout}`);
    return res.stdout;
  }
  const apt = (...args: string[]) => server.exec(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-y', ...args], { timeoutMs: 240000 });
  const health = async (url = 'http://127.0.0.1:8080/health') => (await server.exec(['curl', '-sf', url])).stdout;
  async function waitForHealth(): Promise<void> {
    const deadline = Date.now() + 60000;
    while ((await health()) !== '{"status":"ok"}') {
      if (Date.now() > deadline) throw new Error(`Tomo does not answer:\n${(await server.exec(['journalctl', '-u', 'tomo', '--no-pager', '-n', '40'])).stdout}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const mainPid = async () => (await must(['systemctl', 'show', '-p', 'MainPID', '--value', 'tomo'])).trim();
  const exists = async (p: string) => (await server.exec(['test', '-e', p])).code === 0;

  test('`apt install ./tomo_*.deb` resolves the dependencies from the mirror, creates the user and folders, and starts the service', async () => {
    expect(await exists('/usr/bin/node')).toBe(false);
    const installed = await apt('install', `/root/${path.basename(deb)}`).then((r) => ({ ...r, all: `${r.stdout}${r.stderr}` }));
    expect({ code: installed.code, errors: installed.all.split('\n').filter((l) => /^(E|W): /.test(l)) }).toEqual({ code: 0, errors: [] });
    // apt fetched what the machine lacked (logrotate, recommended) from Debian's mirror.
    expect(installed.all).toMatch(/^Get:\d+ \S+ \S+ \S+ logrotate /m);
    expect(installed.all).toMatch(/sudo tomo admin create --username <name> --email <address>/);
    expect((await must(['dpkg-query', '-W', '-f', '${Status} ${Version}', 'tomo'])).startsWith('install ok installed ')).toBe(true);

    expect(await must(['getent', 'passwd', 'tomo'])).toMatch(/^tomo:x:(\d+):\d+:Tomo control panel:\/var\/lib\/tomo:\/usr\/sbin\/nologin$/m);
    expect((await must(['stat', '-c', '%n %a %U %G', '/etc/tomo', '/etc/tomo/config.yaml', '/var/lib/tomo', '/var/lib/tomo/plugins', '/var/log/tomo'])).trim().split('\n')).toEqual([
      '/etc/tomo 750 root tomo',
      '/etc/tomo/config.yaml 640 root tomo',
      '/var/lib/tomo 750 tomo tomo',
      '/var/lib/tomo/plugins 750 root tomo',
      '/var/log/tomo 750 tomo tomo',
    ]);

    // Enabled and started by postinst, as Debian does for daemons; the bundled Node.js runs it.
    expect((await server.exec(['systemctl', 'is-enabled', 'tomo'])).stdout.trim()).toBe('enabled');
    await waitForHealth();
    const pid = await mainPid();
    expect((await must(['ps', '-o', 'user=,args=', '-p', pid])).trim()).toMatch(/^tomo +\/usr\/lib\/tomo\/node\/bin\/node \/usr\/lib\/tomo\/bin\/tomo\.js serve$/);
  }, 300000);

  test('the journal has Tomo\'s JSON log lines and the first-run setup code (log.targets: stdout as well as the file)', async () => {
    // The setup code is logged once the auth plugin started; wait for it rather than for a fixed time.
    const deadline = Date.now() + 30000;
    let lines: string[] = [];
    for (;;) {
      lines = (await must(['journalctl', '-u', 'tomo', '--no-pager', '-o', 'cat'])).split('\n').filter((l) => l.startsWith('{'));
      if (lines.some((l) => /enter the setup code \w+/.test(l)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const entries = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(entries.length).toBeGreaterThan(1);
    expect(entries.every((e) => typeof e.level === 'number' && typeof e.msg === 'string')).toBe(true);
    expect(entries.map((e) => e.msg).join('\n')).toMatch(/enter the setup code \w+/);
  }, 60000);

  test('`tomo admin create` as root creates the admin, leaving the database and secrets to tomo', async () => {
    const created = await server.exec(['tomo', 'admin', 'create', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], { input: `${PASSWORD}\n` });
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/Created admin "ops"/);
    expect((await must(['stat', '-c', '%n %a %U', '/var/lib/tomo/tomo.db', '/var/lib/tomo/secrets/vault.key'])).trim().split('\n')).toEqual([
      '/var/lib/tomo/tomo.db 600 tomo',
      '/var/lib/tomo/secrets/vault.key 600 tomo',
    ]);
  }, 120000);

  test('a login in Chromium works against the packaged Tomo (config edited to listen on the container address)', async () => {
    await must(['sed', '-i', 's/^  host: 127\\.0\\.0\\.1$/  host: 0.0.0.0/', '/etc/tomo/config.yaml']);
    expect(await must(['grep', '-c', '^  host: 0.0.0.0$', '/etc/tomo/config.yaml'])).toBe('1\n');
    await must(['systemctl', 'restart', 'tomo']);
    await waitForHealth();
    const address = execFileSync(fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', server.id], { encoding: 'utf8' }).trim();
    const base = `http://${address}:8080`;
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });

    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Username').fill('ops');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: 15000 });
    await page.getByRole('link', { name: 'Users' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 120000);

  test('`apt remove` stops the service and removes the program, keeping the data, the edited config and the user', async () => {
    const removed = await apt('remove', 'tomo');
    expect(removed.code).toBe(0);
    expect((await server.exec(['systemctl', 'is-active', 'tomo'])).stdout.trim()).not.toBe('active');
    for (const gone of ['/usr/lib/tomo', '/usr/bin/tomo', '/usr/lib/systemd/system/tomo.service']) expect(await exists(gone)).toBe(false);
    expect(await must(['ls', '/var/lib/tomo'])).toMatch(/^tomo\.db$/m);
    expect(await must(['grep', '-c', '^  host: 0.0.0.0$', '/etc/tomo/config.yaml'])).toBe('1\n');
    expect((await server.exec(['id', 'tomo'])).code).toBe(0);
    expect(await must(['dpkg-query', '-W', '-f', '${Status}', 'tomo'])).toBe('deinstall ok config-files');
  }, 300000);

  test('`apt purge` deletes the data, logs and configuration (the system user stays, as Debian leaves them)', async () => {
    const purged = await apt('purge', 'tomo');
    expect(purged.code).toBe(0);
    for (const gone of ['/var/lib/tomo', '/var/log/tomo', '/etc/tomo']) expect(await exists(gone)).toBe(false);
    expect((await server.exec(['dpkg-query', '-W', '-f', '${Status}', 'tomo'])).stdout).not.toMatch(/installed|config-files/);
    expect((await server.exec(['id', 'tomo'])).code).toBe(0);
  }, 300000);
});
