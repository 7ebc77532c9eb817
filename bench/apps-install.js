'use strict';
// Apps benchmark, from one run of the built Tomo (`tomo serve`) on the test bed:
//   1. Install overhead: installs of the test catalog's web app (busybox httpd, image already on
//      the server) through the HTTP API on the test bed's sshd + Docker engine, as a one-service
//      Compose project (the host has Compose v2). For each: the client-observed total (POST until
//      the installation reads `running`) minus Compose's create and start times (`up --no-start`,
//      `up --detach --wait`, from Tomo's log of that install) = Tomo's own overhead (checks over
//      SSH, image lookup, writing the compose file, health probe, database, HTTP).   target <= 500 ms
//   2. list_catalog with a search, through the MCP SDK client, over a catalog holding 1,000
//      generated definitions (an extra folder) besides the built-in one: the load time Tomo
//      reports for the catalog, and each query's p50/p95.      targets load <= 1 s, query <= 50 ms
// Needs: `npm run build` and the test bed (`bash scripts/testbed.sh`).
// Usage: node bench/apps-install.js   (BENCH_INSTALLS default 5, BENCH_QUERY_RUNS default 30)
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when the benchmark broke.
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const Database = require('better-sqlite3');
const { request, sleep } = require('./lib/http');
const { envInt } = require('./lib/env');
const { machineFacts, machineLines } = require('./lib/machine');
const { freePort } = require('./lib/ports');
const { installCleanupHandlers, makeTempDir } = require('./lib/processes');
const { summarize, percentile } = require('./lib/stats');
const { ROOT, createAdmin, login, startTomo } = require('./lib/tomo');
const { generateCatalog } = require('./lib/generated-catalog');
const { createSummary } = require('./lib/summary');
const { loadTestbed } = require('../scripts/testbed/testbed.js');

const INSTALLS = envInt('BENCH_INSTALLS', 5, 1);
const QUERY_RUNS = envInt('BENCH_QUERY_RUNS', 30, 5);
const GENERATED = 1000;
const TARGETS = { overheadMs: 500, loadMs: 1000, queryMs: 50 };
const TEST_CATALOG = path.join(ROOT, 'plugins', 'apps', 'test', 'fixtures', 'test-catalog');
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const now = () => performance.now();

const QUERIES = [
  { label: 'one word', args: { search: 'cloud' } },
  { label: 'three words', args: { search: 'generated photo integration' } },
  { label: 'category', args: { category: 'media' } },
  { label: 'category + word', args: { category: 'network', search: 'proxy' } },
  { label: 'no match', args: { search: 'zzzz-no-such-app' } },
];

function ensureAppsBuilt() {
  for (const file of ['plugins/apps/dist/plugin.js', 'plugins/apps/dist/ui/index.js']) {
    if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
}

/** The `App installed` lines of Tomo's JSON log: engine create/start times per installation id. */
function engineTimings(logFile) {
  const byId = new Map();
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"App installed"')) continue;
    const entry = JSON.parse(line);
    byId.set(entry.installationId, entry);
  }
  return byId;
}

async function api(url, token, method, route, body) {
  const res = await request(method, `${url}${route}`, { body, headers: { Authorization: `Bearer ${token}` } });
  if (res.status >= 400) throw new Error(`${method} ${route}: HTTP ${res.status} ${res.body}`);
  return res.json;
}

async function main() {
  installCleanupHandlers();
  ensureAppsBuilt();
  const testbed = loadTestbed();
  console.log('Apps benchmark: install overhead on the test bed, list_catalog over 1,000 definitions');
  for (const line of machineLines(machineFacts())) console.log(line);

  const tmp = makeTempDir('tomo-bench-apps-install-');
  const dataDir = path.join(tmp, 'data');
  const generatedDir = path.join(tmp, 'generated');
  generateCatalog(generatedDir, GENERATED);
  const dataRoot = path.join(tmp, 'app-data');
  const admin = await createAdmin(dataDir);
  const tomo = await startTomo({ dataDir, env: { TOMO_CATALOG_DIRS: [TEST_CATALOG, generatedDir].join(path.delimiter), TOMO_CONFIG: writeConfig(tmp, dataRoot) } });
  try {
    const token = await login(tomo.url, admin);

    // 2 first (it needs no server): the catalog load and list_catalog over MCP.
    const status = await api(tomo.url, token, 'GET', '/api/apps/catalogs');
    const apps = status.catalogs.reduce((n, c) => n + c.appIds.length, 0);
    const reloads = [];
    for (let i = 0; i < 3; i++) reloads.push((await api(tomo.url, token, 'POST', '/api/apps/catalogs/reload')).durationMs);
    const client = new Client({ name: 'tomo-bench', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', tomo.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const queryRows = [];
    for (const { label, args } of QUERIES) {
      const times = [];
      let hits = 0;
      for (let i = 0; i < QUERY_RUNS; i++) {
        const t0 = now();
        const result = await client.callTool({ name: 'list_catalog', arguments: { ...args, limit: 500 } });
        times.push(now() - t0);
        if (result.isError) throw new Error(`list_catalog ${JSON.stringify(args)}: ${result.content[0].text}`);
        hits = JSON.parse(result.content[0].text).apps.length;
      }
      queryRows.push({ label, hits, p50: percentile(times, 50), p95: percentile(times, 95) });
    }
    await client.close();

    // 1. Installs.
    const server = await api(tomo.url, token, 'POST', '/api/servers', {
      name: `bench-${randomBytes(3).toString('hex')}`, host: testbed.ssh.host, port: testbed.ssh.port, username: testbed.ssh.username, authType: 'password', credentials: { password: testbed.ssh.password },
    });
    markPrepared(path.join(dataDir, 'tomo.db'), server.id, testbed.docker.composeVersion);
    const runs = [];
    for (let i = 0; i < INSTALLS + 1; i++) {
      const port = await freePort();
      const t0 = now();
      const started = await api(tomo.url, token, 'POST', `/api/servers/${server.id}/apps`, { appId: 'web-hello', ports: { '80/tcp': port } });
      let installation = started.installation;
      while (installation.state === 'installing') {
        await sleep(5);
        installation = (await api(tomo.url, token, 'GET', `/api/apps/installations/${installation.id}`)).installation;
      }
      const totalMs = now() - t0;
      if (installation.state !== 'running') throw new Error(`install ${i} ended ${installation.state}: ${installation.error}`);
      runs.push({ id: installation.id, totalMs, warmup: i === 0 });
      await api(tomo.url, token, 'DELETE', `/api/apps/installations/${installation.id}?deleteData=true`);
    }
    const timings = engineTimings(path.join(dataDir, 'logs', 'tomo.log'));
    const measured = runs.filter((r) => !r.warmup).map((r) => {
      const t = timings.get(r.id);
      if (!t) throw new Error(`no "App installed" log line for ${r.id}`);
      return { ...r, engineMs: t.createMs + t.startMs, healthMs: t.healthMs, overheadMs: r.totalMs - t.createMs - t.startMs };
    });

    const overhead = summarize(measured.map((r) => r.overheadMs));
    console.log(`\n1. Install overhead (${measured.length} installs after 1 warm-up; image present, nothing pulled)`);
    for (const r of measured) console.log(`   total ${ms(r.totalMs)} = Compose create+start ${ms(r.engineMs)} + Tomo ${ms(r.overheadMs)} (of which health probe ${ms(r.healthMs)})`);
    console.log(`   Tomo overhead: median ${ms(overhead.median)}, max ${ms(overhead.max)}   target <= ${TARGETS.overheadMs} ms   ${verdict(overhead.max <= TARGETS.overheadMs)}`);
    console.log(`   ratio overhead / total: ${(overhead.median / summarize(measured.map((r) => r.totalMs)).median).toFixed(2)}`);

    const coldMs = status.durationMs;
    console.log(`\n2. Catalog of ${apps} apps (${GENERATED} generated + built-in + test), loaded by Tomo`);
    console.log(`   load at start-up: ${ms(coldMs)}; reloads ${reloads.map(ms).join(', ')}   target <= ${TARGETS.loadMs} ms   ${verdict(Math.max(coldMs, ...reloads) <= TARGETS.loadMs)}`);
    console.log(`   list_catalog through MCP (SDK client, HTTP round trip included), ${QUERY_RUNS} runs each:`);
    let worst = 0;
    for (const q of queryRows) {
      worst = Math.max(worst, q.p95);
      console.log(`   ${q.label.padEnd(16)} ${String(q.hits).padStart(4)} hits   p50 ${ms(q.p50)}   p95 ${ms(q.p95)}`);
    }
    console.log(`   worst p95 ${ms(worst)}   target <= ${TARGETS.queryMs} ms   ${verdict(worst <= TARGETS.queryMs)}`);
    const summary = createSummary('apps-install');
    summary.check('overhead_max', overhead.max, '<=', TARGETS.overheadMs, { unit: 'ms', digits: 0 });
    summary.check('catalog_load_max', Math.max(coldMs, ...reloads), '<=', TARGETS.loadMs, { unit: 'ms', digits: 0 });
    summary.check('list_catalog_worst_p95', worst, '<=', TARGETS.queryMs, { unit: 'ms', digits: 1 });
    summary.note('overhead_median', overhead.median, { unit: 'ms', digits: 0 });
    summary.note('apps', apps);
    summary.print();
  } finally {
    await tomo.handle.stop(5000);
  }
}

function writeConfig(tmp, dataRoot) {
  const file = path.join(tmp, 'config.yaml');
  fs.writeFileSync(file, `apps:\n  dataRoot: ${dataRoot}\n  stopTimeoutSeconds: 1\nlog:\n  level: info\n`);
  return file;
}

/**
 * Records the server as prepared, straight in Tomo's database (WAL lets a second writer in). The
 * test bed's host runs Docker without systemd, so the preparation plugin cannot run its steps
 * here; this is the row a completed preparation leaves, with the host's Compose v2 (so the app is
 * installed as a Compose project, as on any server prepared by this release).
 */
function markPrepared(dbFile, serverId, composeVersion) {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const compose = JSON.stringify({ available: true, version: composeVersion, command: ['docker', 'compose'] });
  db.prepare('INSERT INTO preparations (id, serverId, status, stepsJson, composeJson, updatedAt, startedAt, finishedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(randomUUID(), serverId, 'completed', '[]', compose, at, at, at);
  db.close();
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
