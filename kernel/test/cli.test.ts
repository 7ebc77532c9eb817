import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { childDatabase, dropChildDatabases } from './support/child-database';
import { writeFixtureNotesPackage } from './support/fixture-notes-package';
import { connectMcp } from './support/mcp-client';
import { buildKernel, cleanEnv, finished, REPO_ROOT, runTomo, spawnTomo, TOMO_BIN, useTomoCommand, waitForOk, writeTomoCommand } from './support/processes';
import { makeTempDir, removeTempDirs, writePluginPackage } from './support/temp-dir';
import { USER_TOKEN, testAuthPlugin } from './support/test-auth';
import { freePort } from '../../test-support/ports';

// These run `tomo` as separate processes: the compiled kernel (kernel/dist, rebuilt first) with
// the built auth plugin of this repository as its only built-in, exactly as bin/tomo.js runs it.
jest.setTimeout(60000);

beforeAll(async () => {
  await buildKernel();
  useTomoCommand(writeTomoCommand(makeTempDir('tomo-cli-dist-')));
}, 120000);
afterAll(async () => {
  await dropChildDatabases();
  removeTempDirs();
});

/** A third-party package that authenticates one fixed token, for the spawned service. */
function writeTokenAuthPackage(dir: string, token: string): void {
  writePluginPackage(
    dir,
    'fixture-token-auth',
    { name: 'fixture-token-auth' },
    `const { definePlugin, kernelHooks } = require('@tomo/kernel');
module.exports = definePlugin({
  id: 'fixture-token-auth',
  init(ctx) {
    ctx.hooks.of(kernelHooks).authenticate.tapPromise(ctx.pluginId, async ({ credential }) =>
      credential === ${JSON.stringify(token)} ? { id: 'cli-admin', name: 'cli', role: 'admin', credentialKind: 'api_token' } : undefined);
  },
});
`,
  );
}

/** How many migrations the auth plugin ships (one file each): the count grows as auth does. */
const AUTH_MIGRATIONS = fs.readdirSync(path.join(REPO_ROOT, 'plugins', 'auth', 'src', 'migrations')).filter((f) => /^\d+-.*\.ts$/.test(f) && !f.endsWith('.test.ts')).length;

test('tomo migrate --status on a fresh data dir lists the auth migrations pending; tomo migrate applies them', async () => {
  expect(AUTH_MIGRATIONS).toBeGreaterThanOrEqual(2);
  const dataDir = makeTempDir('tomo-cli-migrate-');
  const { env, shown } = await childDatabase(dataDir);

  const before = await runTomo(['migrate', '--status'], env);
  expect(before.stderr).toBe('');
  expect(before.code).toBe(0);
  expect(before.stdout).toContain('pending  AuthInitial1763900000000\n');
  expect(before.stdout).toContain('pending  AuthSessionLastSeen1765000000000\n');
  expect(before.stdout).toContain(`0 applied, ${AUTH_MIGRATIONS} pending (${shown})`);

  const apply = await runTomo(['migrate'], env);
  expect(apply.code).toBe(0);
  expect(apply.stdout).toBe(`Database ${shown} is up to date\n`);

  const after = await runTomo(['migrate', '--status'], env);
  expect(after.code).toBe(0);
  expect(after.stdout).toContain('applied  AuthInitial1763900000000\n');
  expect(after.stdout).toContain('applied  AuthSessionLastSeen1765000000000\n');
  expect(after.stdout).toContain(`${AUTH_MIGRATIONS} applied, 0 pending`);
});

test('tomo serve --port <p>: answers /health, and on SIGTERM exits 0 quickly logging "Tomo stopped"', async () => {
  const dataDir = makeTempDir('tomo-cli-serve-');
  const port = await freePort();
  const child = spawnTomo(['serve', '--port', String(port)], (await childDatabase(dataDir)).env);
  try {
    await waitForOk(`http://127.0.0.1:${port}/health`);
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ status: 'ok' });
  } finally {
    child.kill('SIGTERM');
  }
  const result = await finished(child, 10000);
  expect(result.signal).toBeNull();
  expect(result.code).toBe(0);
  expect(result.ms).toBeLessThan(5000);
  // Its stdout is a pipe (as under systemd), so the JSON log lines are there too (log-targets.test.ts).
  const startLines = result.stdout.split('\n').filter((l) => l && !l.startsWith('{'));
  expect(startLines.join('\n')).toMatch(new RegExp(`^Tomo \\d+\\.\\d+\\.\\d+ listening on http://127\\.0\\.0\\.1:${port} \\(data: ${dataDir}\\)$`));
  const log = fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8');
  expect(log).toContain('"msg":"Received SIGTERM; shutting down"');
  expect(log).toContain('"msg":"Tomo stopped"');
});

test('tomo serve with an invalid config file exits 1 naming server.port', async () => {
  const dir = makeTempDir('tomo-cli-badconf-');
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, 'server:\n  port: "x"\n');
  const result = await runTomo(['serve'], { TOMO_CONFIG: config, TOMO_DATA_DIR: dir });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^tomo: Invalid configuration: server\.port: .+\n$/);
});

test('tomo serve on a port already in use exits 1 with one line naming the port and the setting', async () => {
  const dir = makeTempDir('tomo-cli-busy-');
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as net.AddressInfo).port;
  try {
    const result = await runTomo(['serve', '--port', String(port)], { TOMO_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`tomo: Cannot listen on 127.0.0.1:${port}: the port is in use (another Tomo, or another program); choose another with server.port or TOMO_PORT\n`);
  } finally {
    holder.close();
  }
});

test('a third-party package in TOMO_PLUGIN_DIRS, with no node_modules, gets the host typeorm/zod and is served', async () => {
  const pluginsDir = makeTempDir('tomo-cli-plugins-');
  writeFixtureNotesPackage(pluginsDir);
  writeTokenAuthPackage(pluginsDir, 'cli-test-token');
  const dataDir = makeTempDir('tomo-cli-third-party-');
  const env = { ...(await childDatabase(dataDir)).env, TOMO_PLUGIN_DIRS: pluginsDir };

  const status = await runTomo(['migrate', '--status'], env);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain('pending  FixtureNotesInitial1800000000000\n');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnTomo(['serve', '--port', String(port)], env);
  try {
    await waitForOk(`${base}/health`);
    const auth = { authorization: 'Bearer cli-test-token', 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/fixture-notes`, { method: 'POST', headers: auth, body: JSON.stringify({ text: 'spawned' }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 1, text: 'spawned' });
    const statusBody = (await (await fetch(`${base}/api/status`, { headers: auth })).json()) as { plugins: unknown[] };
    expect(statusBody.plugins).toEqual(
      expect.arrayContaining([
        { id: 'auth', version: expect.any(String), state: 'active' },
        { id: 'fixture-notes', version: '1.2.3', state: 'active' },
      ]),
    );
    const mcp = await connectMcp(base, 'cli-test-token');
    try {
      const names = (await mcp.client.listTools()).tools.map((x) => x.name);
      expect(names).toEqual(expect.arrayContaining(['login', 'fixture_notes_add']));
      const res = await mcp.client.callTool({ name: 'fixture_notes_add', arguments: { text: 'via mcp' } });
      expect(res.structuredContent).toEqual({ id: 2, text: 'via mcp' });
    } finally {
      await mcp.close();
    }
    expect((await fetch(`${base}/ui/plugins/fixture-notes/index.js`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
  // An MCP client was connected: its session must not hold the stop for the 10 s grace period.
  const stopped = await finished(child, 15000);
  expect(stopped.code).toBe(0);
  expect(stopped.ms).toBeLessThan(3000);
});

describe('tomo mcp (stdio bridge)', () => {
  let t: TestKernel;
  beforeAll(async () => {
    t = await startTestKernel({ plugins: [testAuthPlugin] });
  });
  afterAll(() => t.stop());

  test('relays a desktop client over stdio to the running service, authenticated by TOMO_API_TOKEN', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [TOMO_BIN, 'mcp', '--url', t.url],
      cwd: REPO_ROOT,
      env: cleanEnv({ TOMO_API_TOKEN: USER_TOKEN }) as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop', version: '0.0.0' });
    await client.connect(transport);
    try {
      // The test kernel has no tools; the bridge still completes the handshake and lists none.
      expect((await client.listTools()).tools).toEqual([]);
      expect(client.getServerVersion()).toMatchObject({ name: 'tomo' });
    } finally {
      await client.close();
    }
  });

  test('without --url and with a config it cannot read, it says so and uses the default address', async () => {
    const unreadable = makeTempDir(); // a folder: reading it fails, as /etc/tomo/config.yaml does for a desktop user
    const result = await runTomo(['mcp'], { TOMO_CONFIG: unreadable });
    expect(result.stderr).toContain(`tomo mcp: Config file ${unreadable} cannot be read: EISDIR`);
    expect(result.stderr).toContain('connecting to http://127.0.0.1:8080 (pass --url to choose)');
    // It went on to the next check (the token) instead of stopping at the config.
    expect(result.stderr).toMatch(/tomo mcp: No API token/);
    expect(result.code).toBe(2);
  });

  test('without a token it exits 2 and says how to get one', async () => {
    const result = await runTomo(['mcp', '--url', t.url], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tomo mcp: No API token: pass --token-file <file> or set TOMO_API_TOKEN/);
  });
});
