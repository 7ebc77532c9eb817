// Lazy loading (issue 19, idle memory): lazyModule itself, and the real `tomo serve` of this
// repository (bin/tomo.js, every built-in plugin, built dist/) with the benchmarks' require tracer
// preloaded: start-up loads none of the packages kept for first use, and the MCP SDK arrives with
// the first /mcp request, which still works (a real SDK client lists the tools).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lazyModule } from '../src/lazy/lazy-module';
import { connectMcp } from './support/mcp-client';
import { cleanEnv, REPO_ROOT, waitForOk } from './support/processes';
import { makeTempDir, removeTempDirs } from './support/temp-dir';
import { freePort } from '../../test-support/ports';

afterAll(() => removeTempDirs());

describe('lazyModule', () => {
  it('loads the module on the first call only, and returns the same module after', () => {
    const dir = makeTempDir('tomo-lazy-');
    const file = path.join(dir, 'counted.js');
    fs.writeFileSync(file, 'globalThis.__tomoLazyLoads = (globalThis.__tomoLazyLoads || 0) + 1; module.exports = { answer: 42 };\n');
    const loads = () => (globalThis as { __tomoLazyLoads?: number }).__tomoLazyLoads ?? 0;
    const counted = lazyModule<{ answer: number }>(require, file);
    expect(loads()).toBe(0);
    const first = counted();
    expect(first.answer).toBe(42);
    expect(loads()).toBe(1);
    expect(counted()).toBe(first);
    expect(loads()).toBe(1);
  });

  it('a module that fails to load throws at the call that needs it, and is tried again at the next', () => {
    const missing = lazyModule<unknown>(require, './no-such-module-here');
    expect(() => missing()).toThrow(/Cannot find module/);
    expect(() => missing()).toThrow(/Cannot find module/);
  });
});

/** Packages kept out of start-up, each loaded on first use (bench/foundation.js lists the same). */
const LAZY = ['@modelcontextprotocol/sdk', 'prom-client', '@opentelemetry/api', 'dockerode', 'docker-modem', 'ssh2', '@simplewebauthn/server', 'age-encryption', 'nodemailer', 'openid-client', 'otplib', 'qrcode', 'pino-pretty'];
/** Kept out of start-up for its CPU (issue 19, start-up time): loaded by the first request that needs them. */
const FIRST_REQUEST = ['@koa/bodyparser', 'co-body', 'qs', 'ws', '@koa/send', 'bcrypt', 'rate-limiter-flexible', 'jsonwebtoken'];
const TRACER = path.join(REPO_ROOT, 'bench', 'lib', 'require-tracer.js');

describe('tomo serve start-up', () => {
  let child: ChildProcess;
  let traceFile: string;
  let url: string;

  /** The packages the process has loaded so far, from the tracer (written on SIGUSR2). */
  async function loadedPackages(): Promise<Set<string>> {
    fs.rmSync(traceFile, { force: true });
    child.kill('SIGUSR2');
    for (let i = 0; i < 200 && !fs.existsSync(traceFile); i++) await new Promise((r) => setTimeout(r, 10));
    const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as { packages: { name: string }[] };
    return new Set(trace.packages.map((p) => p.name));
  }

  beforeAll(async () => {
    for (const built of ['kernel/dist/index.js', 'plugins/auth/dist/plugin.js', 'plugins/apps/dist/plugin.js']) {
      if (!fs.existsSync(path.join(REPO_ROOT, built))) throw new Error(`${built} is missing: run npm run build first`);
    }
    const dir = makeTempDir('tomo-lazy-serve-');
    traceFile = path.join(dir, 'trace.json');
    // This machine may scrape /metrics without a token.
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, 'metrics:\n  allowFrom: [127.0.0.1]\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--require', TRACER, path.join(REPO_ROOT, 'bin', 'tomo.js'), 'serve', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: REPO_ROOT,
      env: cleanEnv({ TOMO_DATA_DIR: path.join(dir, 'data'), TOMO_REQUIRE_TRACE_OUT: traceFile, TOMO_CONFIG: config }),
      stdio: 'ignore',
    });
    await waitForOk(`${url}/health`, 30000);
  }, 60000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('loads none of the packages kept for first use', async () => {
    const loaded = await loadedPackages();
    expect(loaded.has('koa')).toBe(true); // the tracer sees what start-up loads
    expect(LAZY.filter((name) => loaded.has(name))).toEqual([]);
    expect(FIRST_REQUEST.filter((name) => loaded.has(name))).toEqual([]);
  });

  it('loads the body parser, bcrypt, the login throttle and @koa/send with the requests that need them, which behave as before', async () => {
    const post = (body: string) => fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{"username":');
    expect(malformed.status).toBe(400);
    const unknown = await post(JSON.stringify({ username: 'nobody-here', password: 'not-the-password-1' }));
    expect(unknown.status).toBe(401);
    const me = await fetch(`${url}/api/auth/me`, { headers: { authorization: 'Bearer not.a.token' } });
    expect(me.status).toBe(401);
    const page = await fetch(`${url}/`);
    expect([200, 503]).toContain(page.status); // 503 when this checkout's console is not built
    const loaded = await loadedPackages();
    expect(['@koa/bodyparser', 'bcrypt', 'rate-limiter-flexible', '@koa/send'].filter((name) => !loaded.has(name))).toEqual([]);
  });

  it('loads the MCP SDK with the first /mcp request, and /mcp answers through it', async () => {
    const mcp = await connectMcp(url);
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name)).toContain('login');
    } finally {
      await mcp.close();
    }
    expect((await loadedPackages()).has('@modelcontextprotocol/sdk')).toBe(true);
  });

  it("loads prom-client with the first /metrics scrape, which shows Node's process metrics and what Tomo counted before", async () => {
    await fetch(`${url}/health`);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_mean_seconds \d/m); // a number, not NaN: the monitor had samples
    expect(text).toMatch(/^tomo_http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]/m);
    expect((await loadedPackages()).has('prom-client')).toBe(true);
  });
});
