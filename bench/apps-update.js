'use strict';
// App update benchmark, from one run of the built Tomo (`tomo serve`) on the test bed server with
// Compose v2 and the test bed registry: an app (tomo-test/webapp, data in /data) installed, then
// updated back and forth between two releases (catalog version N on tag 1 or 2) through the HTTP
// API. For each update: the client-observed total (POST …/update until the installation's
// update is over) minus the pull, the recreate (stop, compose up) and the health wait as Tomo
// measured them (its "App update finished" log line) = Tomo's own overhead: the checks, the data
// snapshot (archive of the data folder on the server, its size, pruning), the compose file
// written, the database, the event bookkeeping and HTTP.                 target: median <= 1 s
// Needs: `npm run build` and the test bed (`bash scripts/testbed.sh`, with its registry).
// Usage: node bench/apps-update.js   (BENCH_UPDATES default 5)
// Exit code: 0 when the figures were produced (even if the target FAILs); 1 when it broke.
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const { request, sleep } = require('./lib/http');
const { envInt } = require('./lib/env');
const { machineFacts, machineLines } = require('./lib/machine');
const { freePort } = require('./lib/ports');
const { installCleanupHandlers, makeTempDir } = require('./lib/processes');
const { summarize } = require('./lib/stats');
const { ROOT, createAdmin, login, startTomo } = require('./lib/tomo');
const { createSummary } = require('./lib/summary');
const { loadTestbed } = require('../scripts/testbed/testbed.js');
const { imageRef } = require('../scripts/testbed/registry.js');

const UPDATES = envInt('BENCH_UPDATES', 5, 1);
const TARGET_MS = 1000;
const APP_ID = 'bench-update-webapp';
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const now = () => performance.now();

/** Writes the app's definition: catalog version `version` running tomo-test/webapp:`tag`. */
function release(dir, port, version, tag) {
  const yaml = [
    `id: ${APP_ID}`,
    'name: Bench Update Webapp',
    'description: The test bed registry web app, released back and forth (update benchmark).',
    'category: testing',
    `version: "${version}"`,
    `image: ${imageRef('webapp', tag)}`,
    'ports:',
    '  - container: 8080',
    `    host: ${port}`,
    'volumes:',
    '  - data:/data',
    'healthcheck:',
    '  http: /health',
    '  timeout: 30s',
    '  interval: 1s',
    'restart: unless-stopped',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, `${APP_ID}.yaml`), yaml);
}

/** The "App update finished" lines of Tomo's JSON log, in order. */
function updateTimings(logFile) {
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"App update finished"'))
    .map((line) => JSON.parse(line));
}

async function api(url, token, method, route, body) {
  const res = await request(method, `${url}${route}`, { body, headers: { Authorization: `Bearer ${token}` } });
  if (res.status >= 400) throw new Error(`${method} ${route}: HTTP ${res.status} ${res.body}`);
  return res.json;
}

/** Prepared, with the host's Compose v2 recorded, straight in Tomo's database (the row a completed preparation leaves). */
function markPrepared(dbFile, serverId) {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const compose = JSON.stringify({ available: true, version: loadTestbed().docker.composeVersion ?? '2', command: ['docker', 'compose'] });
  db.prepare('INSERT INTO preparations (id, serverId, status, stepsJson, composeJson, updatedAt, startedAt, finishedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(randomUUID(), serverId, 'completed', '[]', compose, at, at, at);
  db.close();
}

async function main() {
  installCleanupHandlers();
  if (!fs.existsSync(path.join(ROOT, 'plugins/apps/dist/plugin.js'))) throw new Error('plugins/apps/dist/plugin.js is missing: run `npm run build` first');
  const testbed = loadTestbed();
  console.log('App update benchmark: Tomo\'s overhead beyond pull, recreate and health wait (Compose on the test bed)');
  for (const line of machineLines(machineFacts())) console.log(line);

  const tmp = makeTempDir('tomo-bench-apps-update-');
  const dataDir = path.join(tmp, 'data');
  const catalogDir = path.join(tmp, 'catalog');
  fs.mkdirSync(catalogDir);
  const port = await freePort();
  release(catalogDir, port, '1', '1');
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, `apps:\n  dataRoot: ${path.join(tmp, 'app-data')}\n  stopTimeoutSeconds: 1\nlog:\n  level: info\n`);
  const admin = await createAdmin(dataDir);
  const tomo = await startTomo({ dataDir, env: { TOMO_CATALOG_DIRS: catalogDir, TOMO_CONFIG: config } });
  let installationId;
  let token;
  try {
    token = await login(tomo.url, admin);
    const server = await api(tomo.url, token, 'POST', '/api/servers', {
      name: `bench-${randomBytes(3).toString('hex')}`, host: testbed.ssh.host, port: testbed.ssh.port, username: testbed.ssh.username, authType: 'password', credentials: { password: testbed.ssh.password },
    });
    markPrepared(path.join(dataDir, 'tomo.db'), server.id);
    let installation = (await api(tomo.url, token, 'POST', `/api/servers/${server.id}/apps`, { appId: APP_ID, ports: { '8080/tcp': port } })).installation;
    installationId = installation.id;
    while (installation.state === 'installing') {
      await sleep(50);
      installation = (await api(tomo.url, token, 'GET', `/api/apps/installations/${installation.id}`)).installation;
    }
    if (installation.state !== 'running') throw new Error(`the install ended ${installation.state}: ${installation.error}`);

    const runs = [];
    for (let i = 0; i < UPDATES + 1; i++) {
      // Back and forth between the two images (both on the server after the first round).
      release(catalogDir, port, String(i + 2), i % 2 === 0 ? '2' : '1');
      await api(tomo.url, token, 'POST', '/api/apps/catalogs/reload');
      const t0 = now();
      let view = (await api(tomo.url, token, 'POST', `/api/apps/installations/${installationId}/update`)).installation;
      while (view.updates.operation !== null) {
        await sleep(5);
        view = (await api(tomo.url, token, 'GET', `/api/apps/installations/${installationId}`)).installation;
      }
      const totalMs = now() - t0;
      if (view.updates.last?.result !== 'updated') throw new Error(`update ${i} ended ${view.updates.last?.result}: ${view.updates.last?.message}`);
      runs.push({ totalMs, warmup: i === 0, snapshot: view.updates.snapshots.at(-1) });
    }
    const timings = updateTimings(path.join(dataDir, 'logs', 'tomo.log'));
    if (timings.length !== runs.length) throw new Error(`${timings.length} "App update finished" log lines for ${runs.length} updates`);
    const measured = runs
      .map((r, i) => ({ ...r, ...timings[i], overheadMs: r.totalMs - timings[i].pullMs - timings[i].recreateMs - timings[i].healthMs }))
      .filter((r) => !r.warmup);

    const overhead = summarize(measured.map((r) => r.overheadMs));
    console.log(`\nUpdate overhead (${measured.length} updates after 1 warm-up; Compose project, one service, images on the server, the data snapshot taken each time)`);
    for (const r of measured) {
      console.log(`   total ${ms(r.totalMs)} = pull ${ms(r.pullMs)} + recreate ${ms(r.recreateMs)} + health ${ms(r.healthMs)} + Tomo ${ms(r.overheadMs)} (of which snapshot ${ms(r.snapshotMs)}, ${r.snapshot?.sizeBytes ?? '?'} B)`);
    }
    console.log(`   Tomo overhead: median ${ms(overhead.median)}, max ${ms(overhead.max)}   target median <= ${TARGET_MS} ms   ${overhead.median <= TARGET_MS ? 'PASS' : 'FAIL'}`);
    const summary = createSummary('apps-update');
    summary.check('overhead_median', overhead.median, '<=', TARGET_MS, { unit: 'ms', digits: 0 });
    summary.note('overhead_max', overhead.max, { unit: 'ms', digits: 0 });
    summary.note('updates', measured.length);
    summary.print();
  } finally {
    if (installationId && token) await api(tomo.url, token, 'DELETE', `/api/apps/installations/${installationId}?deleteData=true`).catch(() => undefined);
    await tomo.handle.stop(5000);
  }
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
