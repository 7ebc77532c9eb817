// The RPM (rpm/tomo.spec, built by rpm/build.sh): what rpmlint says of it, its files, owners,
// modes and dependencies, its scriptlets, its systemd unit (systemd-analyze verify and security),
// and its payload unpacked into a temporary root: Tomo starts from it with the packaged config,
// answers, creates an admin and stops cleanly, loading nothing from outside the package.
//
// The package is built once (a few minutes) and cached in $TMPDIR/tomo-rpm-cache by a hash of the
// committed tree, the packaging files and the Node.js version; TOMO_RPM=<file> tests a given one.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertTools, builtRpm, packagedFiles, REF, REPO_ROOT, RPM_DIR, rpmQuery, SHARED_DIR, unpackPayload, type PackagedFile } from './support/rpm-build';
import { SystemdMachine } from './support/systemd-machine';
import { freePort } from '../../test-support/ports';

const BUILD_TIMEOUT_MS = 30 * 60 * 1000;

let rpm: string;
let files: Map<string, PackagedFile>;
let work: string;
let root: string;

beforeAll(() => {
  assertTools();
  rpm = builtRpm();
  files = packagedFiles(rpm);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-rpm-test-'));
  root = unpackPayload(rpm, work);
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The plugins (folders of plugins/ with a package.json) of the packaged commit. */
function committedPlugins(): string[] {
  const listed = execFileSync('git', ['-C', REPO_ROOT, 'ls-tree', '-r', '--name-only', REF, 'plugins/'], { encoding: 'utf8' });
  return [...listed.matchAll(/^plugins\/([^/]+)\/package\.json$/gm)].map((m) => m[1]);
}

function file(name: string): PackagedFile {
  const found = files.get(name);
  if (!found) throw new Error(`${name} is not in the package`);
  return found;
}

describe('rpmlint', () => {
  test('reports no errors on the package and its spec (with the filters in rpm/tomo.rpmlintrc, each explained there)', () => {
    const res = spawnSync('rpmlint', ['-r', path.join(RPM_DIR, 'tomo.rpmlintrc'), path.join(RPM_DIR, 'tomo.spec'), rpm], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const output = `${res.stdout}${res.stderr}`;
    const summary = /(\d+) errors?, (\d+) warnings?/.exec(output);
    expect(summary).not.toBeNull();
    const errors = output.split('\n').filter((l) => / E: /.test(l));
    expect(errors).toEqual([]);
    expect(Number(summary![1])).toBe(0);
    // Warnings are reported, not failed: one line per kind, with its count.
    const kinds = new Map<string, number>();
    for (const l of output.split('\n')) {
      const kind = / W: (\S+)/.exec(l)?.[1];
      if (kind) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    console.log(`rpmlint: 0 errors, ${summary![2]} warnings: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }, 120000);
});

describe('files, owners and modes', () => {
  test('the application is under /usr/lib/tomo, complete: kernel, plugins with their console bundles, console, native modules', () => {
    for (const name of [
      '/usr/lib/tomo/package.json',
      '/usr/lib/tomo/bin/tomo.js',
      '/usr/lib/tomo/kernel/package.json',
      '/usr/lib/tomo/kernel/dist/index.js',
      '/usr/lib/tomo/plugins/auth/package.json',
      '/usr/lib/tomo/plugins/auth/dist/plugin.js',
      '/usr/lib/tomo/plugins/auth/dist/ui/index.js',
      '/usr/lib/tomo/plugins/servers/package.json',
      '/usr/lib/tomo/plugins/servers/dist/plugin.js',
      '/usr/lib/tomo/plugins/servers/dist/ui/index.js',
      '/usr/lib/tomo/plugins/apps/dist/plugin.js',
      '/usr/lib/tomo/plugins/apps/dist/ui/index.js',
      '/usr/lib/tomo/plugins/monitoring/dist/plugin.js',
      '/usr/lib/tomo/plugins/monitoring/dist/ui/index.js',
      '/usr/lib/tomo/plugins/activity/package.json',
      '/usr/lib/tomo/plugins/activity/dist/plugin.js',
      '/usr/lib/tomo/plugins/activity/dist/ui/index.js',
      '/usr/lib/tomo/catalog/portainer.yaml',
      '/usr/lib/tomo/catalog/nextcloud.yaml',
      '/usr/lib/tomo/ui-shell/dist/index.html',
      '/usr/lib/tomo/ui-shell/dist/vendor/vue.js',
      '/usr/lib/tomo/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      '/usr/lib/tomo/node_modules/bcrypt/build/Release/bcrypt_lib.node',
    ]) {
      expect(file(name).perms).toMatch(/^-r/);
    }
    // npm's workspace links stay relative, so they resolve inside /usr/lib/tomo.
    expect(file('/usr/lib/tomo/node_modules/@tomo/kernel').linkTo).toBe('../../kernel');
    expect(file('/usr/lib/tomo/node_modules/@tomo/plugin-auth').linkTo).toBe('../../plugins/auth');
    // Every plugin of the packaged commit is there, with the "tomo" field the kernel discovers it by.
    expect(committedPlugins()).toContain('auth');
    for (const plugin of committedPlugins()) {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'usr/lib/tomo/plugins', plugin, 'package.json'), 'utf8')) as { main: string; tomo?: { plugin?: string } };
      expect(pkg.tomo?.plugin).toBe(plugin);
      expect(files.has(path.posix.join('/usr/lib/tomo/plugins', plugin, pkg.main))).toBe(true);
    }
  });

  test('nothing that only builds or tests: no sources, tests, build tools, prebuilt binaries or npm links', () => {
    const unwanted = [...files.keys()].filter((f) =>
      [
        /^\/usr\/lib\/tomo\/(kernel|plugins\/[^/]+|ui-shell)\/(src|test|ui)\//,
        /\.tsbuildinfo$/,
        /^\/usr\/lib\/tomo\/(?!node_modules\/).*\.test\.[jt]s$/,
        /^\/usr\/lib\/tomo\/node_modules\/(typescript|vite|jest|@swc|@vitejs|vue|@vue|eslint|@types\/jest|better-sqlite3\/deps\/sqlite3)(\/|$)/,
        /\/prebuilds\//,
        /\/node_modules\/\.bin(\/|$)/,
        /\/build\/Release\/(obj|obj\.target|\.deps)\//,
        /\/test_extension\.node$/,
      ].some((re) => re.test(f)),
    );
    expect(unwanted).toEqual([]);
  });

  test('/usr/bin/tomo is an executable wrapper that runs /usr/lib/tomo/bin/tomo.js with /usr/bin/node', () => {
    expect(file('/usr/bin/tomo')).toMatchObject({ perms: '-rwxr-xr-x', user: 'root', group: 'root' });
    const wrapper = fs.readFileSync(path.join(root, 'usr/bin/tomo'), 'utf8');
    expect(wrapper).toMatch(/exec \/usr\/bin\/node \/usr\/lib\/tomo\/bin\/tomo\.js "\$@"/);
    expect(spawnSync('sh', ['-n', path.join(root, 'usr/bin/tomo')]).status).toBe(0);
  });

  test('/etc/tomo/config.yaml is %config(noreplace), 0640 root:tomo, in /etc/tomo 0750 root:tomo', () => {
    const config = file('/etc/tomo/config.yaml');
    expect(config.flags).toContain('c');
    expect(config.flags).toContain('n');
    expect(config).toMatchObject({ perms: '-rw-r-----', user: 'root', group: 'tomo' });
    expect(file('/etc/tomo')).toMatchObject({ perms: 'drwxr-x---', user: 'root', group: 'tomo' });
    // Tomo's own defaults, pointed at the packaged folders.
    const text = fs.readFileSync(path.join(root, 'etc/tomo/config.yaml'), 'utf8');
    expect(text).toMatch(/^dataDir: \/var\/lib\/tomo$/m);
    expect(text).toMatch(/^logDir: \/var\/log\/tomo$/m);
    expect(text).toMatch(/^ {2}host: 127\.0\.0\.1$/m);
  });

  test('/var/lib/tomo and /var/log/tomo are 0750 tomo:tomo; /var/lib/tomo/plugins is 0750 root:tomo', () => {
    expect(file('/var/lib/tomo')).toMatchObject({ perms: 'drwxr-x---', user: 'tomo', group: 'tomo' });
    expect(file('/var/log/tomo')).toMatchObject({ perms: 'drwxr-x---', user: 'tomo', group: 'tomo' });
    expect(file('/var/lib/tomo/plugins')).toMatchObject({ perms: 'drwxr-x---', user: 'root', group: 'tomo' });
  });

  test('everything else belongs to root and nothing is writable by group or others', () => {
    const own = new Set(['/etc/tomo', '/etc/tomo/config.yaml', '/var/lib/tomo', '/var/lib/tomo/plugins', '/var/log/tomo']);
    const odd = [...files.values()].filter((f) => !own.has(f.path) && (f.user !== 'root' || f.group !== 'root'));
    expect(odd).toEqual([]);
    const writable = [...files.values()].filter((f) => !f.perms.startsWith('l') && (f.perms[5] === 'w' || f.perms[8] === 'w'));
    expect(writable).toEqual([]);
  });

  test('the systemd unit, sysusers.d and tmpfiles.d files are packaged and match packaging/ (shared with the .deb)', () => {
    for (const [packaged, source] of [
      ['/usr/lib/systemd/system/tomo.service', 'tomo.service'],
      ['/usr/lib/sysusers.d/tomo.conf', 'tomo.sysusers'],
      ['/usr/lib/tmpfiles.d/tomo.conf', 'tomo.tmpfiles'],
      ['/etc/logrotate.d/tomo', 'tomo.logrotate'],
    ]) {
      expect(file(packaged)).toMatchObject({ perms: '-rw-r--r--', user: 'root' });
      expect(fs.readFileSync(path.join(root, packaged), 'utf8')).toBe(fs.readFileSync(path.join(SHARED_DIR, source), 'utf8'));
    }
    expect(fs.readFileSync(path.join(root, 'usr/lib/sysusers.d/tomo.conf'), 'utf8')).toMatch(/^u tomo - "Tomo control panel" \/var\/lib\/tomo -$/m);
  });
});

describe('dependencies and scriptlets', () => {
  test('requires Node.js at least the version package.json asks for (with the epoch of Fedora/RHEL nodejs), of the ABI it was built for', () => {
    const requires = rpmQuery(rpm, '--requires');
    const engines = (JSON.parse(fs.readFileSync(path.join(root, 'usr/lib/tomo/package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const minimum = /^>=\s*(\d+(?:\.\d+)*)$/.exec(engines)?.[1];
    expect(minimum).toBeDefined();
    expect(requires).toContain(`nodejs >= 1:${minimum}`);
    expect(requires).toContain(`(nodejs(abi${process.versions.node.split('.')[0]}) if nodejs(abi))`);
    // Nothing dragged in by scripts inside node_modules, and nothing provided from it.
    expect(requires.filter((r) => /python|perl|ruby|\/usr\/bin\/env/.test(r))).toEqual([]);
    expect(rpmQuery(rpm, '--provides').filter((p) => !/^(tomo|config\(tomo\)|tomo\(x86-64\)|tomo\(aarch-64\))/.test(p))).toEqual([]);
  });

  test('scriptlets: the tomo user before the files, systemd on install/upgrade/removal, the first-install message', () => {
    const scripts = execFileSync('rpm', ['-qp', '--scripts', rpm], { encoding: 'utf8' });
    const section = (name: string) => {
      const match = new RegExp(`^${name} scriptlet \\(using /bin/sh\\):\\n([\\s\\S]*?)(?=^\\w+ scriptlet|(?![\\s\\S]))`, 'm').exec(scripts);
      if (!match) throw new Error(`no ${name} scriptlet in:\n${scripts}`);
      return match[1];
    };
    const pre = section('preinstall');
    const post = section('postinstall');
    const preun = section('preuninstall');
    const postun = section('postuninstall');
    expect(pre).toMatch(/useradd -r -g tomo -d \/var\/lib\/tomo -s \/sbin\/nologin/);
    expect(post).toMatch(/tomo admin create --username/);
    expect(post).toMatch(/systemctl enable --now tomo/);
    expect(post).toMatch(/systemd-tmpfiles --create \/usr\/lib\/tmpfiles.d\/tomo.conf/);
    // With systemd-rpm-macros these are %systemd_post/preun/postun_with_restart; without, the
    // spec's equivalents: preset on install, stop+disable on removal, restart on upgrade.
    expect(post).toMatch(/preset/);
    expect(preun).toMatch(/disable/);
    expect(postun).toMatch(/try-restart/);
    for (const [name, body] of Object.entries({ pre, post, preun, postun })) {
      const res = spawnSync('sh', ['-n'], { input: body, encoding: 'utf8' });
      expect({ name, status: res.status, stderr: res.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
  });
});

describe('the systemd unit', () => {
  let unit: string;
  beforeAll(() => {
    unit = fs.readFileSync(path.join(root, 'usr/lib/systemd/system/tomo.service'), 'utf8');
  });

  test('systemd-analyze verify accepts it', () => {
    // verify checks that ExecStart's program exists: a copy of the unit points it at the unpacked
    // /usr/bin/tomo, otherwise the unit is the packaged one.
    const copy = path.join(work, 'verify', 'tomo.service');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.writeFileSync(copy, unit.replace(/^ExecStart=\/usr\/bin\/tomo /m, `ExecStart=${root}/usr/bin/tomo `));
    expect(fs.readFileSync(copy, 'utf8')).not.toBe(unit);
    const res = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    expect({ status: res.status, output: `${res.stdout}${res.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });

  test('systemd-analyze security rates its exposure 3.0 or lower', () => {
    const res = spawnSync('systemd-analyze', ['security', '--offline=true', path.join(root, 'usr/lib/systemd/system/tomo.service')], { encoding: 'utf8' });
    const score = /Overall exposure level for tomo\.service: (\d+(?:\.\d+)?)/.exec(res.stdout)?.[1];
    expect(score).toBeDefined();
    console.log(`systemd-analyze security: exposure ${score}`);
    expect(Number(score)).toBeLessThanOrEqual(3.0);
    expect(res.stderr).toBe('');
  });

  test('runs Tomo as tomo, restarts on failure, stops with SIGTERM, hardened without MemoryDenyWriteExecute (V8 JIT)', () => {
    const settings = new Map<string, string[]>();
    for (const line of unit.split('\n')) {
      const m = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (m) settings.set(m[1], [...(settings.get(m[1]) ?? []), m[2]]);
    }
    const one = (key: string) => settings.get(key)?.join(' ');
    expect(one('ExecStart')).toBe('/usr/bin/tomo serve');
    expect([one('User'), one('Group')]).toEqual(['tomo', 'tomo']);
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('TimeoutStopSec')).toBe('30');
    expect([one('StateDirectory'), one('LogsDirectory'), one('ProtectSystem')]).toEqual(['tomo', 'tomo', 'strict']);
    expect(one('RestrictAddressFamilies')).toBe('AF_UNIX AF_INET AF_INET6');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('UMask')).toBe('0077');
    for (const key of [
      'NoNewPrivileges', 'PrivateTmp', 'ProtectHome', 'PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs',
      'ProtectControlGroups', 'ProtectClock', 'ProtectHostname', 'RestrictNamespaces', 'RestrictRealtime', 'RestrictSUIDSGID', 'LockPersonality',
    ]) {
      expect(`${key}=${one(key)}`).toBe(`${key}=yes`);
    }
    expect(one('SystemCallArchitectures')).toBe('native');
    expect(settings.get('SystemCallFilter')).toEqual(['@system-service', '~@privileged @resources']);
    expect(settings.has('MemoryDenyWriteExecute')).toBe(false);
  });
});

describe('the payload, unpacked into a temporary root', () => {
  let state: string;
  let config: string;
  let port: number;
  let env: NodeJS.ProcessEnv;
  const tomoJs = () => path.join(root, 'usr/lib/tomo/bin/tomo.js');

  beforeAll(async () => {
    state = path.join(work, 'state');
    for (const dir of ['data', 'log', 'plugins', 'home']) fs.mkdirSync(path.join(state, dir), { recursive: true });
    port = await freePort();
    config = path.join(state, 'config.yaml');
    fs.writeFileSync(config, packagedConfig({ port, dataDir: path.join(state, 'data'), logDir: path.join(state, 'log'), pluginDir: path.join(state, 'plugins') }));
    // Only what a service gets: no NODE_PATH, no TOMO_* besides the config, a home of its own.
    env = { PATH: '/usr/bin:/bin', HOME: path.join(state, 'home'), LANG: 'C.UTF-8', TOMO_CONFIG: config };
  });

  /** The packaged config with the port and folders rewritten; fails if a default is not where expected. */
  function packagedConfig(to: { port: number; dataDir: string; logDir: string; pluginDir: string }): string {
    let text = fs.readFileSync(path.join(root, 'etc/tomo/config.yaml'), 'utf8');
    for (const [from, replacement] of [
      [/^( {2}port: )8080$/m, `$1${to.port}`],
      [/^(dataDir: )\/var\/lib\/tomo$/m, `$1${to.dataDir}`],
      [/^(logDir: )\/var\/log\/tomo$/m, `$1${to.logDir}`],
      [/^( {4}- )\/var\/lib\/tomo\/plugins$/m, `$1${to.pluginDir}`],
    ] as const) {
      expect(text).toMatch(from);
      text = text.replace(from, replacement);
    }
    return text;
  }

  test('Tomo starts with the packaged config, answers, creates an admin with the CLI, and stops on SIGTERM with exit 0', async () => {
    // Records every module Node.js loads, to show that all of them come from the package.
    const recorder = path.join(state, 'record-modules.js');
    const loaded = path.join(state, 'loaded-modules.json');
    fs.writeFileSync(
      recorder,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const server = spawn(process.execPath, [tomoJs(), 'serve'], { cwd: '/', env: { ...env, NODE_OPTIONS: `--require=${recorder}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collect(server);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(base, server, output);
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });

      const created = spawnSync(process.execPath, [tomoJs(), 'admin', 'create', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], {
        cwd: '/',
        env,
        input: 'a-long-admin-password\n',
        encoding: 'utf8',
        timeout: 60000,
      });
      expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: '' });
      expect(created.stdout).toMatch(/Created admin "ops"/);

      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ops', password: 'a-long-admin-password' }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const status = (await (await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        plugins: Array<{ id: string; state: string }>;
        database: { ok: boolean };
      };
      expect(status.database.ok).toBe(true);
      // Every plugin loaded (a package may define more than one), none disabled by a load error.
      expect(status.plugins.map((p) => p.id)).toEqual(expect.arrayContaining(committedPlugins()));
      expect(status.plugins.filter((p) => p.state !== 'active')).toEqual([]);
      const consolePage = await fetch(`${base}/`);
      expect(consolePage.status).toBe(200);
      expect(consolePage.headers.get('content-type')).toMatch(/text\/html/);
      expect((await fetch(`${base}/ui/plugins/auth/index.js`)).status).toBe(200);
      // The built-in app catalog is in the package and loads without errors.
      const catalogs = (await (await fetch(`${base}/api/apps/catalogs`, { headers: { authorization: `Bearer ${token}` } })).json()) as { catalogs: Array<{ id: string; appIds: string[]; errors: unknown[] }> };
      expect(catalogs.catalogs.find((c) => c.id === 'builtin')).toMatchObject({ appIds: expect.arrayContaining(['portainer', 'nextcloud', 'jellyfin', 'pihole', 'nginx-proxy-manager']), errors: [] });
    } finally {
      server.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => (server.exitCode !== null ? resolve(server.exitCode) : server.once('exit', (c) => resolve(c))));
    expect({ code, output: output() }).toEqual({ code: 0, output: expect.stringContaining('listening on') });

    const log = fs.readFileSync(path.join(state, 'log', 'tomo.log'), 'utf8');
    expect(log).toContain('Received SIGTERM; shutting down');
    expect(log).toContain('Tomo stopped');
    expect(log).not.toContain('a-long-admin-password');
    expect(fs.existsSync(path.join(state, 'data', 'tomo.db'))).toBe(true);

    const modules = JSON.parse(fs.readFileSync(loaded, 'utf8')) as string[];
    expect(modules.length).toBeGreaterThan(100);
    expect(modules.filter((m) => !m.startsWith(`${root}/usr/lib/tomo/`) && m !== recorder)).toEqual([]);
  }, 120000);

  test('every key the packaged config documents (commented out) is valid: `tomo migrate` accepts the config with all of them set', () => {
    let text = packagedConfig({ port: 8080, dataDir: path.join(state, 'data2'), logDir: path.join(state, 'log2'), pluginDir: path.join(state, 'plugins') });
    // Uncomment the commented-out YAML (keys and the comments nested in those blocks), not the prose.
    text = text
      .split('\n')
      .map((line) => line.replace(/^(\s*)# (\s*(?:[A-Za-z]+:(?:\s.*)?|# .*))$/, '$1$2'))
      .join('\n')
      .replace(/\/var\/lib\/tomo\//g, `${path.join(state, 'data2')}/`);
    const full = path.join(state, 'config-all-keys.yaml');
    fs.writeFileSync(full, text);
    for (const key of ['bodyLimitBytes', 'trustProxy', 'shutdownGraceMs', 'level', 'disabled', 'busyTimeoutMs', 'keyFile', 'sessionIdleMs', 'sessionTtl', 'bcryptCost', 'perUsername', 'maxChannelsPerConnection']) {
      expect(text).toMatch(new RegExp(`^\\s*${key}:`, 'm'));
    }
    const res = spawnSync(process.execPath, [tomoJs(), 'migrate'], { cwd: '/', env: { ...env, TOMO_CONFIG: full }, encoding: 'utf8', timeout: 60000 });
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
    expect(res.stdout).toMatch(/is up to date/);
  }, 60000);

  test('/usr/bin/tomo runs the packaged Tomo (a copy pointed at the temporary root)', () => {
    const wrapper = path.join(state, 'tomo-wrapper');
    fs.writeFileSync(wrapper, fs.readFileSync(path.join(root, 'usr/bin/tomo'), 'utf8').replaceAll('/usr/lib/tomo/', `${root}/usr/lib/tomo/`).replaceAll('/usr/bin/node ', `${process.execPath} `));
    fs.chmodSync(wrapper, 0o755);
    // Without a tomo user on this machine the wrapper runs Tomo directly.
    const res = spawnSync(wrapper, ['--version'], { cwd: '/', env, encoding: 'utf8' });
    expect({ status: res.status, stdout: res.stdout.trim() }).toEqual({ status: 0, stdout: JSON.parse(fs.readFileSync(path.join(root, 'usr/lib/tomo/package.json'), 'utf8')).version });
  });
});

describe('installed with rpm on a machine that runs systemd (a Debian 12 system container from the test bed)', () => {
  // systemd 252 as PID 1, as on Rocky 9; Debian's rpm installs the package (--nodeps: the
  // machine's packages are not RPMs) and runs its scriptlets. Node.js is this test's own binary.
  let machine: SystemdMachine;
  const password = 'a-long-admin-password';

  beforeAll(async () => {
    machine = await SystemdMachine.start();
    machine.copyIn(fs.realpathSync(process.execPath), '/usr/bin/node');
    machine.copyIn(rpm, '/root/tomo.rpm');
    machine.must(['sh', '-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rpm logrotate >/dev/null']);
  }, 300000);

  afterAll(() => machine?.remove());

  const health = (port: number) => machine.run(['curl', '-sf', `http://127.0.0.1:${port}/health`]).stdout;
  async function waitForHealth(port: number): Promise<void> {
    const deadline = Date.now() + 30000;
    while (health(port) !== '{"status":"ok"}') {
      if (Date.now() > deadline) throw new Error(`no answer on ${port}:\n${machine.run(['journalctl', '-u', 'tomo', '--no-pager', '-n', '30']).stdout}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const mainPid = () => machine.must(['systemctl', 'show', '-p', 'MainPID', '--value', 'tomo']).trim();
  const login = (port: number) =>
    machine.run(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-H', 'content-type: application/json', '-d', JSON.stringify({ username: 'ops', password }), `http://127.0.0.1:${port}/api/auth/login`]).stdout;

  test('install: the tomo user, the folders with their owners, the next steps; `tomo admin create` as root leaves the files to tomo', () => {
    const installed = machine.run(['rpm', '-i', '--nodeps', '/root/tomo.rpm']);
    expect(installed.status).toBe(0);
    expect(installed.stdout).toMatch(/sudo tomo admin create --username <name> --email <address>/);
    expect(machine.must(['getent', 'passwd', 'tomo'])).toMatch(/^tomo:x:\d+:\d+:Tomo control panel:\/var\/lib\/tomo:\/sbin\/nologin$/m);
    expect(machine.must(['stat', '-c', '%n %a %U %G', '/etc/tomo', '/etc/tomo/config.yaml', '/var/lib/tomo', '/var/lib/tomo/plugins', '/var/log/tomo']).trim().split('\n')).toEqual([
      '/etc/tomo 750 root tomo',
      '/etc/tomo/config.yaml 640 root tomo',
      '/var/lib/tomo 750 tomo tomo',
      '/var/lib/tomo/plugins 750 root tomo',
      '/var/log/tomo 750 tomo tomo',
    ]);
    const created = machine.run(['tomo', 'admin', 'create', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], `${password}\n`);
    expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: '' });
    expect(machine.must(['stat', '-c', '%n %a %U', '/var/lib/tomo/tomo.db', '/var/lib/tomo/secrets/vault.key']).trim().split('\n')).toEqual([
      '/var/lib/tomo/tomo.db 600 tomo',
      '/var/lib/tomo/secrets/vault.key 600 tomo',
    ]);
  });

  test('the hardened unit runs Tomo: answers, unprivileged (no capabilities, seccomp), reaches a server over SSH; exposure 3.0 or lower', async () => {
    machine.must(['systemctl', 'enable', '--now', 'tomo']);
    await waitForHealth(8080);
    expect(login(8080)).toBe('200');
    const status = Object.fromEntries(
      machine
        .must(['cat', `/proc/${mainPid()}/status`])
        .split('\n')
        .map((l) => l.split(':\t')),
    ) as Record<string, string>;
    const tomoUid = machine.must(['id', '-u', 'tomo']).trim();
    expect([status.Uid.split('\t')[0], status.CapEff, status.CapBnd, status.NoNewPrivs, status.Seccomp]).toEqual([tomoUid, '0000000000000000', '0000000000000000', '1', '2']);

    // Outbound SSH (RestrictAddressFamilies, the system call filter): the machine's own sshd.
    machine.must(['sh', '-c', 'useradd -m sshtest && echo "sshtest:ssh-test-password-1" | chpasswd && systemctl start ssh']);
    const script = `
      T=$(curl -s -X POST -H 'content-type: application/json' -d '${JSON.stringify({ username: 'ops', password })}' http://127.0.0.1:8080/api/auth/login | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
      S=$(curl -s -X POST -H "authorization: Bearer $T" -H 'content-type: application/json' -d '{"name":"self","host":"localhost","port":22,"username":"sshtest","authType":"password","credentials":{"password":"ssh-test-password-1"}}' http://127.0.0.1:8080/api/servers)
      curl -s -X POST -H "authorization: Bearer $T" http://127.0.0.1:8080/api/servers/$(echo "$S" | sed 's/.*"id":"\\([^"]*\\)".*/\\1/')/test`;
    const tested = JSON.parse(machine.must(['sh', '-c', script])) as { ok: boolean; status: string; facts: { osId: string } };
    expect([tested.ok, tested.status, tested.facts.osId]).toEqual([true, 'online', 'debian']);

    const security = machine.must(['systemd-analyze', 'security', 'tomo.service']);
    const score = Number(/Overall exposure level for tomo\.service: (\d+(?:\.\d+)?)/.exec(security)?.[1]);
    console.log(`systemd-analyze security (running systemd 252): exposure ${score}`);
    expect(score).toBeLessThanOrEqual(3.0);
  }, 120000);

  test('upgrade keeps the edited config and the data, and restarts the service', async () => {
    machine.must(['sed', '-i', 's/^  port: 8080$/  port: 8081/', '/etc/tomo/config.yaml']);
    machine.must(['systemctl', 'restart', 'tomo']);
    await waitForHealth(8081);
    const before = mainPid();
    // The same package again: rpm runs the upgrade scriptlets ($1 = 2 / 1).
    expect(machine.run(['rpm', '-U', '--replacepkgs', '--nodeps', '/root/tomo.rpm']).status).toBe(0);
    await waitForHealth(8081);
    expect(mainPid()).not.toBe(before);
    expect(machine.must(['grep', '-c', '^  port: 8081$', '/etc/tomo/config.yaml']).trim()).toBe('1');
    expect(login(8081)).toBe('200');
  }, 120000);

  test('logrotate rotates the log while Tomo runs; stop is graceful (SIGTERM, exit 0) and logged in the fresh file', () => {
    const rotated = machine.run(['logrotate', '-f', '-v', '-s', '/root/logrotate.state', '/etc/logrotate.d/tomo']);
    expect({ status: rotated.status, errors: rotated.stderr.split('\n').filter((l) => /^error/i.test(l)) }).toEqual({ status: 0, errors: [] });
    expect(machine.must(['cat', '/var/log/tomo/tomo.log.1'])).toMatch(/listening on/);
    machine.must(['systemctl', 'stop', 'tomo']);
    expect(machine.must(['systemctl', 'show', 'tomo', '-p', 'Result', '-p', 'ExecMainStatus', '-p', 'ExecMainCode']).trim().split('\n').sort()).toEqual([
      'ExecMainCode=1',
      'ExecMainStatus=0',
      'Result=success',
    ]);
    // Tomo appends to the file it has open: after copytruncate its lines start the new file.
    const log = machine.must(['cat', '/var/log/tomo/tomo.log']);
    expect(log.startsWith('{')).toBe(true);
    expect(log).toMatch(/Received SIGTERM; shutting down[\s\S]*Tomo stopped/);
  }, 60000);

  test('removal stops and disables the service and keeps data, config and user', () => {
    machine.must(['systemctl', 'start', 'tomo']);
    expect(machine.run(['rpm', '-e', '--nodeps', 'tomo']).status).toBe(0);
    expect(machine.run(['systemctl', 'is-active', 'tomo']).stdout.trim()).toBe('inactive');
    expect(machine.run(['test', '-e', '/usr/lib/systemd/system/tomo.service']).status).not.toBe(0);
    expect(machine.run(['test', '-e', '/usr/lib/tomo']).status).not.toBe(0);
    expect(machine.must(['ls', '/var/lib/tomo']).split('\n')).toContain('tomo.db');
    expect(machine.must(['ls', '/etc/tomo']).split('\n')).toContain('config.yaml.rpmsave');
    expect(machine.run(['id', 'tomo']).status).toBe(0);
  }, 120000);
});

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  return () => text;
}

async function waitForHealth(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tomo serve exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`tomo serve did not answer /health within 30 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
