import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DOCS_PASSWORD } from './support/doc-session';
import { parseMarkdown, type Fence } from './support/markdown';
import { freePort } from '../../test-support/ports';

// What the documentation claims about the code, checked against the built code: every
// configuration key, environment variable and command is in the admin guide; the configuration
// example loads; the MCP client configurations connect; the proxy examples hold what live
// streams need, and nginx and Caddy (installed by the test bed) accept them.

const ROOT = path.resolve(__dirname, '..', '..');
const TOMO = path.join(ROOT, 'bin', 'tomo.js');
const read = (page: string) => fs.readFileSync(path.join(ROOT, 'docs', page), 'utf8');
const adminGuide = read('admin-guide.md');

/** The blocks of a page marked `<!-- check: <what> -->`. */
function checked(page: string, what: string): Fence[] {
  return parseMarkdown(read(page)).fences.filter((f) => f.markers.check === what);
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** `tomo <args>` with only the given environment (no /etc/tomo/config.yaml). */
function tomo(args: string[], env: Record<string, string> = {}, input?: string) {
  return spawnSync(process.execPath, [TOMO, ...args], { env: { PATH: process.env.PATH ?? '', TOMO_CONFIG: '/dev/null', ...env }, input, encoding: 'utf8', timeout: 60000 });
}

/**
 * The absolute path of a tool the test bed installs (`scripts/testbed.sh`); throws when it is
 * missing, so a check that needs it fails instead of passing unchecked. The sbin folders are
 * searched too: nginx lives in /usr/sbin, which a non-root PATH often lacks.
 */
function testbedTool(command: string): string {
  const searchPath = [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].join(':');
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8', env: { PATH: searchPath } });
  if (found.status !== 0) throw new Error(`${command} is not installed: run \`sudo bash scripts/testbed.sh\` (it installs the tools these checks call)`);
  return found.stdout.trim();
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'kernel/dist/index.js'))) throw new Error('kernel/dist is missing: run `npm run build` before the docs tests');
});

/**
 * Keys a plugin reads outside its own section, so no plugin's config schema declares them (with
 * their defaults): the apps plugin reads the top-level `catalog:` section.
 */
const OUTSIDE_SCHEMAS: Record<string, unknown> = { 'catalog.dirs': [], 'catalog.stores': [] };

describe('the admin guide names everything there is to configure', () => {
  const config = JSON.parse(spawnSync(process.execPath, [path.join(__dirname, 'config-schemas.js')], { encoding: 'utf8' }).stdout) as {
    keys: string[];
    defaults: Record<string, unknown>;
  };

  test('every configuration key of the kernel and the built-in plugins is in its table', () => {
    expect(config.keys.length).toBeGreaterThan(20);
    const keys = [...config.keys, ...Object.keys(OUTSIDE_SCHEMAS)];
    expect(keys.filter((key) => !adminGuide.includes(`| \`${key}\` |`))).toEqual([]);
  });

  test('the complete example holds every key, at its default (paths: the RPM\'s)', () => {
    const [block] = checked('admin-guide.md', 'tomo-config');
    expect(block).toBeDefined();
    const flat: Record<string, unknown> = {};
    const walk = (node: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(node)) {
        if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${prefix}${k}.`);
        else flat[`${prefix}${k}`] = v;
      }
    };
    walk(YAML.parse(block.content), '');
    const keys = [...config.keys, ...Object.keys(OUTSIDE_SCHEMAS)];
    const defaults: Record<string, unknown> = { ...config.defaults, ...OUTSIDE_SCHEMAS };
    expect(Object.keys(flat).sort()).toEqual([...keys].sort());
    // Paths are the RPM's; server.publicUrl has no fixed default (it follows server.port): the example shows the one Tomo assumes.
    // database.url has no default (unset is SQLite): the example shows the SQLite form of the default file.
    const paths = new Set(['dataDir', 'logDir', 'plugins.dirs', 'database.file', 'database.url', 'vault.keyFile', 'server.publicUrl']);
    const differing = keys.filter((k) => !paths.has(k) && JSON.stringify(flat[k]) !== JSON.stringify(defaults[k]));
    expect(differing.map((k) => `${k}: ${JSON.stringify(flat[k])}, default ${JSON.stringify(config.defaults[k])}`)).toEqual([]);
  });

  test('Tomo starts with the example (its paths pointed at a temporary folder)', () => {
    const [block] = checked('admin-guide.md', 'tomo-config');
    const dir = tempDir('tomo-docs-config-');
    try {
      fs.writeFileSync(path.join(dir, 'config.yaml'), block.content);
      fs.mkdirSync(path.join(dir, 'plugins'));
      const env = {
        TOMO_DATA_DIR: dir,
        TOMO_LOG_DIR: path.join(dir, 'logs'),
        TOMO_DATABASE_FILE: path.join(dir, 'tomo.db'),
        TOMO_VAULT_KEY_FILE: path.join(dir, 'vault.key'),
        TOMO_PLUGIN_DIRS: path.join(dir, 'plugins'),
      };
      const run = tomo(['--config', path.join(dir, 'config.yaml'), 'migrate'], env);
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      // No section of the example is unknown to Tomo. (The kernel does warn about `catalog`,
      // which the apps plugin reads from outside its own section: a known false warning.)
      const ignored = [...fs.readFileSync(path.join(dir, 'logs', 'tomo.log'), 'utf8').matchAll(/Config key \\"(\w+)\\" matches no kernel setting/g)].map((m) => m[1]);
      expect(ignored.filter((section) => !Object.keys(OUTSIDE_SCHEMAS).some((k) => k.startsWith(`${section}.`)))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every environment variable Tomo reads is in its table', () => {
    const sources: string[] = [path.join(ROOT, 'packaging', 'tomo.sh')];
    const collect = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        // kernel/src/testing is for plugin authors' tests; its variable is in docs/plugins.md.
        if (entry.isDirectory() && !['__fixtures__', 'node_modules', 'dist', 'testing'].includes(entry.name)) collect(full);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) sources.push(full);
      }
    };
    collect(path.join(ROOT, 'kernel', 'src'));
    for (const plugin of fs.readdirSync(path.join(ROOT, 'plugins'))) {
      if (fs.existsSync(path.join(ROOT, 'plugins', plugin, 'src'))) collect(path.join(ROOT, 'plugins', plugin, 'src'));
    }
    const variables = new Set(sources.flatMap((f) => fs.readFileSync(f, 'utf8').match(/\bTOMO_[A-Z][A-Z_]*[A-Z]\b/g) ?? []));
    expect(variables.size).toBeGreaterThan(8);
    expect([...variables].filter((v) => !adminGuide.includes(`| \`${v}\` |`)).sort()).toEqual([]);
  });

  test('every command of `tomo` (plugins\' included) is in its command table', () => {
    /** `[name, takes options]` of each command a help text lists. */
    const commandsOf = (args: string[]) => {
      const help = tomo([...args, '--help'], { COLUMNS: '200' }).stdout;
      const section = help.split(/^Commands:$/m)[1] ?? '';
      return section
        .split('\n')
        .map((line) => /^ {2}(\S+)( \[options\])?/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null && m[1] !== 'help')
        .map((m) => [m[1], Boolean(m[2])] as const);
    };
    const commands = commandsOf([]);
    expect(commands.map(([name]) => name)).toEqual(expect.arrayContaining(['serve', 'migrate', 'mcp', 'admin']));
    // A command without options of its own is a group (`admin`): its subcommands are what people type.
    const all = commands.flatMap(([name, hasOptions]) => {
      const subs = hasOptions ? [] : commandsOf([name]);
      return subs.length ? subs.map(([sub]) => `tomo ${name} ${sub}`) : [`tomo ${name}`];
    });
    expect(all.filter((c) => !adminGuide.includes(`| \`${c}`))).toEqual([]);
  });
});

test('the app definitions in the docs load without a warning (as the curated catalog must)', () => {
  const blocks = ['admin-guide.md', 'plugins.md', 'catalog-format.md'].flatMap((page) => checked(page, 'app-definition'));
  expect(blocks.length).toBeGreaterThan(0);
  const dir = tempDir('tomo-docs-catalog-');
  try {
    blocks.forEach((block, i) => fs.writeFileSync(path.join(dir, `${(YAML.parse(block.content) as { id: string }).id ?? i}.yaml`), block.content));
    const script = `require(${JSON.stringify(path.join(ROOT, 'plugins', 'apps', 'dist', 'catalog'))}).loadYamlCatalog(process.argv[1], { strictHostPaths: true })
      .then((r) => process.stdout.write(JSON.stringify({ apps: r.apps.map((a) => a.definition ? a.definition.id : a.id), errors: r.errors, warnings: r.warnings })))`;
    const run = spawnSync(process.execPath, ['-e', script, dir], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const loaded = JSON.parse(run.stdout) as { apps: string[]; errors: unknown[]; warnings: unknown[] };
    expect({ errors: loaded.errors, warnings: loaded.warnings, apps: loaded.apps.length }).toEqual({ errors: [], warnings: [], apps: blocks.length });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the MCP client configurations in docs/mcp.md connect', () => {
  let dir: string;
  let url: string;
  let token: string;
  let server: ReturnType<typeof spawn>;

  beforeAll(async () => {
    dir = tempDir('tomo-docs-mcp-');
    const env = { TOMO_DATA_DIR: path.join(dir, 'data') };
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [TOMO, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
      env: { PATH: process.env.PATH ?? '', TOMO_CONFIG: '/dev/null', ...env },
      stdio: 'ignore',
    });
    for (const deadline = Date.now() + 30000; ; ) {
      if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error('tomo serve did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The first admin, through the setup page's API with the code from the log (no second process).
    const logFile = path.join(dir, 'data', 'logs', 'tomo.log');
    let setupCode: string | undefined;
    for (const deadline = Date.now() + 10000; !setupCode && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      setupCode = /setup code ([A-Z0-9-]+)/.exec(fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '')?.[1];
    }
    const setup = await fetch(`${url}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ setupCode, username: 'admin', email: 'admin@example.com', password: DOCS_PASSWORD }),
    });
    expect(setup.status).toBe(201);
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DOCS_PASSWORD }) });
    const session = ((await login.json()) as { token: string }).token;
    const madeToken = await fetch(`${url}/api/auth/tokens`, { method: 'POST', headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'desktop' }) });
    token = ((await madeToken.json()) as { token: string }).token;
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'tomo'), `#!/bin/sh\nexec "${process.execPath}" "${TOMO}" "$@"\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'token'), `${token}\n`, { mode: 0o600 });
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      await new Promise((resolve) => {
        server.once('exit', resolve);
        server.kill('SIGTERM');
      });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The reader's paths and address, replaced by this test's. */
  const localise = (text: string) =>
    text
      .replaceAll('/home/you/.config/tomo/token', path.join(dir, 'token'))
      .replaceAll('/home/you/tomo', ROOT)
      .replaceAll('https://tomo.example.com', url)
      .replaceAll('http://127.0.0.1:8080', url)
      .replaceAll('tomo_pat_your_token_here', token);

  async function asAgent(client: Client, transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<void> {
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['get_current_user', 'list_servers', 'prepare_server']));
      const me = await client.callTool({ name: 'get_current_user', arguments: {} });
      expect(me.isError).toBeFalsy();
      expect(me.structuredContent).toMatchObject({ username: 'admin', role: 'admin' });
    } finally {
      await client.close();
    }
  }

  test('the desktop (stdio) configurations start `tomo mcp` and reach Tomo with the token file', async () => {
    const blocks = checked('mcp.md', 'mcp-stdio-config');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const entry = (JSON.parse(localise(block.content)) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers.tomo;
      expect(entry.args).toContain('mcp');
      // A desktop client starts the command with the user's environment: `tomo` on the PATH, and
      // a configuration file that says nothing useful to it (the RPM's is not even readable by
      // the user): the address must come from the configuration shown in the docs.
      const elsewhere = path.join(dir, 'elsewhere.yaml');
      fs.writeFileSync(elsewhere, 'server:\n  port: 1\n');
      const env = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}`, TOMO_CONFIG: elsewhere };
      await asAgent(new Client({ name: 'docs-desktop-client', version: '1.0.0' }), new StdioClientTransport({ command: entry.command, args: entry.args, env, stderr: 'ignore' }));
    }
  });

  test('the HTTP configuration reaches /mcp with the bearer token', async () => {
    const [block] = checked('mcp.md', 'mcp-http-config');
    const entry = (JSON.parse(localise(block.content)) as { mcpServers: Record<string, { url: string; headers: Record<string, string> }> }).mcpServers.tomo;
    await asAgent(new Client({ name: 'docs-http-client', version: '1.0.0' }), new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers: entry.headers } }));
  });
});

describe('the reverse proxy examples', () => {
  const [nginx] = checked('reverse-proxy.md', 'nginx');
  const [caddy] = checked('reverse-proxy.md', 'caddy');

  test('the nginx example forwards to Tomo and does not buffer or cut streams', () => {
    expect(nginx).toBeDefined();
    const text = nginx.content;
    expect(text).toMatch(/server 127\.0\.0\.1:8080;/);
    expect(text).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/); // replaced, not appended
    expect(text).not.toMatch(/proxy_add_x_forwarded_for/);
    expect(text).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(text).toMatch(/proxy_set_header Host \$host;/);
    for (const location of [/location ~ \/events\$ \{([^}]*)\}/, /location = \/mcp \{([^}]*)\}/]) {
      const body = location.exec(text)?.[1] ?? '';
      expect(body).toMatch(/proxy_buffering off;/);
      expect(body).toMatch(/proxy_read_timeout 1h;/);
      expect(body).toMatch(/proxy_pass http:\/\/tomo;/);
    }
  });

  test('the Caddy example forwards to Tomo and flushes streams at once', () => {
    expect(caddy).toBeDefined();
    expect(caddy.content).toMatch(/reverse_proxy 127\.0\.0\.1:8080 \{[^}]*flush_interval -1/);
    expect(caddy.content).not.toMatch(/^\s*encode\b/m);
  });

  test.each([
    ['reverse-proxy.md', 'nginx'],
    ['admin-guide.md', 'nginx-two-instances'],
  ])('nginx accepts the example of %s (%s, nginx -t)', (page, what) => {
    const [nginx] = checked(page, what);
    expect(nginx).toBeDefined();
    const [nginxBin, openssl] = [testbedTool('nginx'), testbedTool('openssl')];
    const dir = tempDir('tomo-docs-nginx-');
    try {
      const cert = path.join(dir, 'cert.pem');
      const key = path.join(dir, 'key.pem');
      const made = spawnSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=tomo.example.com', '-keyout', key, '-out', cert], { encoding: 'utf8' });
      expect(made.status).toBe(0);
      const site = nginx.content
        .replace('/etc/letsencrypt/live/tomo.example.com/fullchain.pem', cert)
        .replace('/etc/letsencrypt/live/tomo.example.com/privkey.pem', key);
      const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${path.join(dir, t)};`).join('\n');
      fs.writeFileSync(
        path.join(dir, 'nginx.conf'),
        `pid ${path.join(dir, 'nginx.pid')};\nerror_log ${path.join(dir, 'error.log')};\nevents {}\nhttp {\n    access_log off;\n${temp}\n${site}}\n`,
      );
      const checkedConf = spawnSync(nginxBin, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
      expect({ status: checkedConf.status, output: checkedConf.stderr }).toEqual({ status: 0, output: expect.stringContaining('test is successful') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Caddy accepts the example (caddy validate)', () => {
    const caddyBin = testbedTool('caddy');
    const dir = tempDir('tomo-docs-caddy-');
    try {
      fs.writeFileSync(path.join(dir, 'Caddyfile'), caddy.content);
      const validated = spawnSync(caddyBin, ['validate', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
        encoding: 'utf8',
        env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      });
      // Caddy prints its verdict on stdout and logs to stderr (shown when the check fails).
      expect({ status: validated.status, verdict: validated.stdout.trim(), log: validated.stderr.slice(-2000) }).toEqual({
        status: 0,
        verdict: 'Valid configuration',
        log: expect.any(String),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
