'use strict';
// App logs benchmark (issue 17), from one run of the built Tomo (`tomo serve`) on the test bed:
// an app whose container printed 12,000 lines at start (each holding its generated password, so
// every line goes through the masking) is read back with GET /api/apps/installations/:id/logs
// ?tail=10000 through Tomo: Docker Engine API over SSH, demultiplexing, masking, JSON, HTTP.
// Figures: p50/p95 of the whole request as the client sees it; the same tail read straight from
// the engine's local socket (no SSH, no Tomo) for the ratio.            target p95 <= 300 ms
// Needs: `npm run build` and the test bed (`bash scripts/testbed.sh`).
// Usage: node bench/apps-logs.js   (BENCH_LOG_RUNS default 30)
// Exit code: 0 when the figures were produced (even if the target FAILs); 1 when the benchmark broke.
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const Docker = require('dockerode');
const { request, sleep } = require('./lib/http');
const { envInt } = require('./lib/env');
const { machineFacts, machineLines } = require('./lib/machine');
const { freePort } = require('./lib/ports');
const { installCleanupHandlers, makeTempDir, readCpuSeconds } = require('./lib/processes');
const { percentile } = require('./lib/stats');
const { ROOT, createAdmin, login, startTomo } = require('./lib/tomo');
const { createSummary } = require('./lib/summary');
const { loadTestbed } = require('../scripts/testbed/testbed.js');

const RUNS = envInt('BENCH_LOG_RUNS', 30, 5);
/** A folder: run `tomo serve` with `--cpu-prof` into it (its figures are then slower). */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF || '';
/** Extra `node` flags for `tomo serve` (what-if experiments), as in foundation.js. */
const TOMO_NODE_ARGS = (process.env.BENCH_TOMO_NODE_ARGS || '').split(/\s+/).filter(Boolean);
const TAIL = 10000;
const PRINTED = 12000;
const TARGET_P95_MS = 300;
const IMAGE = { repo: 'tomo-test/log-flood', tag: '1' };
const MASK = '••••••';
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const now = () => performance.now();

function ensureAppsBuilt() {
  if (!fs.existsSync(path.join(ROOT, 'plugins/apps/dist/plugin.js'))) throw new Error('plugins/apps/dist/plugin.js is missing: run `npm run build` first');
}

/** The test bed's httpd image with a command that prints PRINTED lines holding the password, then serves. */
async function ensureFloodImage(docker, testbed) {
  const name = `${IMAGE.repo}:${IMAGE.tag}`;
  if (await docker.getImage(name).inspect().then(() => true, () => false)) return name;
  const base = await docker.createContainer({ Image: testbed.docker.images.httpd });
  try {
    const script = `i=0; while [ $i -lt ${PRINTED} ]; do echo "line $i: GET /api/items?page=$i 200 password=$APP_PASSWORD"; i=$((i+1)); done; exec httpd -f -p 80 -h /www`;
    await base.commit({ repo: IMAGE.repo, tag: IMAGE.tag, changes: `CMD ${JSON.stringify(['sh', '-c', script])}` });
  } finally {
    await base.remove({ force: true });
  }
  return name;
}

function writeCatalog(dir, image) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'log-flood.yaml'),
    `id: log-flood\nname: Log Flood\ndescription: Prints ${PRINTED} lines at start (benchmark).\ncategory: testing\nimage: ${image}\nports:\n  - container: 80\n    host: 18099\nenv:\n  - name: APP_PASSWORD\n    generate: password\n`,
  );
}

async function api(url, token, method, route, body, timeoutMs) {
  const res = await request(method, `${url}${route}`, { body, headers: { Authorization: `Bearer ${token}` }, timeoutMs });
  if (res.status >= 400) throw new Error(`${method} ${route}: HTTP ${res.status} ${String(res.body).slice(0, 500)}`);
  return res;
}

async function main() {
  installCleanupHandlers();
  ensureAppsBuilt();
  const testbed = loadTestbed();
  const docker = new Docker({ socketPath: testbed.docker.socket });
  console.log(`App logs benchmark: a ${TAIL.toLocaleString('en')}-line tail through the API on the test bed (Engine API over SSH, masked)`);
  for (const line of machineLines(machineFacts())) console.log(line);

  const image = await ensureFloodImage(docker, testbed);
  const tmp = makeTempDir('tomo-bench-apps-logs-');
  const dataDir = path.join(tmp, 'data');
  const catalogDir = path.join(tmp, 'catalog');
  writeCatalog(catalogDir, image);
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, `apps:\n  dataRoot: ${path.join(tmp, 'app-data')}\n  stopTimeoutSeconds: 1\n`);
  const admin = await createAdmin(dataDir);
  const nodeArgs = [...TOMO_NODE_ARGS, ...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF_DIR)}`] : [])];
  if (TOMO_NODE_ARGS.length) console.log(`WARNING   : tomo serve runs with ${TOMO_NODE_ARGS.join(' ')} (BENCH_TOMO_NODE_ARGS)`);
  if (CPU_PROF_DIR) console.log(`WARNING   : CPU profiling tomo serve into ${CPU_PROF_DIR} (BENCH_CPU_PROF); its figures are slower`);
  const tomo = await startTomo({ dataDir, nodeArgs, env: { TOMO_CATALOG_DIRS: catalogDir, TOMO_CONFIG: config } });
  let installation;
  try {
    const token = await login(tomo.url, admin);
    const server = (await api(tomo.url, token, 'POST', '/api/servers', {
      name: `bench-${randomBytes(3).toString('hex')}`, host: testbed.ssh.host, port: testbed.ssh.port, username: testbed.ssh.username, authType: 'password', credentials: { password: testbed.ssh.password },
    })).json;
    markPrepared(path.join(dataDir, 'tomo.db'), server.id);
    installation = (await api(tomo.url, token, 'POST', `/api/servers/${server.id}/apps`, { appId: 'log-flood', ports: { '80/tcp': await freePort() } })).json.installation;
    while (installation.state === 'installing') {
      await sleep(50);
      installation = (await api(tomo.url, token, 'GET', `/api/apps/installations/${installation.id}`)).json.installation;
    }
    if (installation.state !== 'running') throw new Error(`install ended ${installation.state}: ${installation.error}`);
    const env = (await docker.getContainer(installation.containerName).inspect()).Config.Env;
    const password = env.find((e) => e.startsWith('APP_PASSWORD=')).slice('APP_PASSWORD='.length);

    // Wait until the container has printed all its lines.
    const route = `/api/apps/installations/${installation.id}/logs?tail=${TAIL}`;
    let first;
    for (let i = 0; i < 100; i++) {
      first = await api(tomo.url, token, 'GET', route, undefined, 30000);
      if (first.json.lines.length === TAIL && first.json.lines[TAIL - 1].text.startsWith(`line ${PRINTED - 1}:`)) break;
      await sleep(200);
    }
    const lines = first.json.lines;
    if (lines.length !== TAIL) throw new Error(`the tail has ${lines.length} lines, not ${TAIL}`);
    if (first.body.includes(password) || !lines.every((l) => l.text.endsWith(`password=${MASK}`))) throw new Error('the password is not masked in every line');

    const viaTomo = [];
    let bytes = 0;
    // Tomo's own CPU (all its threads, user + system) over the measured requests: what it costs
    // whatever else the machine is doing, unlike the latency, which waits for the engine and the cores.
    const cpu0 = readCpuSeconds(tomo.handle.pid);
    for (let i = 0; i < RUNS; i++) {
      const t0 = now();
      const res = await api(tomo.url, token, 'GET', route, undefined, 30000);
      viaTomo.push(now() - t0);
      bytes = Buffer.byteLength(res.body);
    }
    const cpuMsPerRequest = ((readCpuSeconds(tomo.handle.pid) - cpu0) * 1000) / RUNS;
    const direct = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = now();
      await docker.getContainer(installation.containerName).logs({ stdout: true, stderr: true, timestamps: true, tail: TAIL });
      direct.push(now() - t0);
    }
    const p50 = percentile(viaTomo, 50);
    const p95 = percentile(viaTomo, 95);
    const directP50 = percentile(direct, 50);
    console.log(`\n1. Tail of ${TAIL.toLocaleString('en')} lines (of ${PRINTED.toLocaleString('en')} printed), ${RUNS} requests, every line masked; answer ${(bytes / 1e6).toFixed(2)} MB of JSON`);
    console.log(`   through Tomo (HTTP API → SSH → Engine API, demultiplex, mask, JSON): p50 ${ms(p50)}   p95 ${ms(p95)}   max ${ms(Math.max(...viaTomo))}   target p95 <= ${TARGET_P95_MS} ms   ${verdict(p95 <= TARGET_P95_MS)}`);
    console.log(`   Tomo's own CPU per request (user + system, /proc/<pid>/stat): ${ms(cpuMsPerRequest)}`);
    console.log(`   the engine alone (local socket, raw bytes, no SSH or Tomo): p50 ${ms(directP50)}   p95 ${ms(percentile(direct, 95))}`);
    console.log(`   ratio Tomo / engine alone (p50): ${(p50 / directP50).toFixed(1)}`);
    const summary = createSummary('apps-logs');
    summary.check('tail_p95', p95, '<=', TARGET_P95_MS, { unit: 'ms', digits: 0 });
    summary.note('tail_p50', p50, { unit: 'ms', digits: 0 });
    summary.note('tomo_cpu_per_request', cpuMsPerRequest, { unit: 'ms', digits: 1 });
    summary.note('engine_alone_p50', directP50, { unit: 'ms', digits: 0 });
    summary.note('lines', TAIL);
    summary.print();
  } finally {
    if (installation) await docker.getContainer(installation.containerName).remove({ force: true }).catch(() => undefined);
    await tomo.handle.stop(5000);
  }
}

/** Records the server as prepared, straight in Tomo's database (as bench/apps-install.js does: no systemd on the test bed's host). */
function markPrepared(dbFile, serverId) {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  db.prepare('INSERT INTO preparations (id, serverId, status, stepsJson, updatedAt, startedAt, finishedAt) VALUES (?, ?, ?, ?, ?, ?, ?)').run(randomUUID(), serverId, 'completed', '[]', at, at, at);
  db.close();
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
