#!/usr/bin/env node
'use strict';
// Monitoring storage (issue 6, acceptance 6b): on a generated database of 200 servers x 30 days
// of metrics at a 30-second interval, the p95 of the dashboard summary (target <= 100 ms) and of
// one server's 30-day metrics (target <= 200 ms), and the database size.
//
// The database is what 30 days of operation leave, made by the real code paths: the migrations
// of the built Tomo (`tomo admin create`), then hour by hour the raw samples a poller writes (one
// row per server per 30 s, realistic values), the built rollup job (plugins/monitoring/dist,
// metrics/rollups.js) and the built retention with the default ages (hourly, as Tomo runs it),
// driven by a clock that walks through the 30 days up to now. Then the built `tomo serve` starts on it (its own start-up
// rollup and retention run) and the two requests are timed through HTTP with an admin's token:
// GET /api/metrics/summary and GET /api/metrics/servers/:id?period=30d (24h and 7d for reference).
// While polling (issue 19): every server points at one throwaway sshd of this machine (the test
// bed's user, bench/lib/debug-sshd.js, needs root) and the poller runs at the default 30-second
// interval; the timed requests are spread over a whole interval, so they meet the poll rounds.
// BENCH_MON_POLL=0 measures without polling (the servers point at a closed port, as before).
//
// On PostgreSQL (issue 24): BENCH_DATABASE_URL=postgres://… (a server and a role that may create
// databases, e.g. the test bed's) runs the same on a database of its own made there and dropped
// after (bench/lib/bench-database.js); the size is then pg_database_size.
// Needs the build: `npx tsc -b plugins/monitoring` (or `npm run build`).
// Usage: node bench/monitoring-history.js    (module: `await require('./bench/monitoring-history').run()`;
//        bench/monitoring.js prints it as its part (b) through measureHistory())
// Settings: BENCH_MON_SERVERS (200), BENCH_MON_DAYS (30), BENCH_MON_INTERVAL (30 s), BENCH_QUERY_RUNS (50),
//           BENCH_MON_POLL (1: measure while the poller polls every server), BENCH_CPU_PROF (a folder: profile tomo serve),
//           BENCH_DATABASE_URL (a PostgreSQL server; unset: SQLite).
// Targets (issue 19): summary p95 <= 40 ms while polling, 30-day query <= 200 ms, database <= 340 MiB.
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when the benchmark broke.
const fs = require('node:fs');
const path = require('node:path');
const { request } = require('./lib/http');
const { envInt } = require('./lib/env');
const { machineLines } = require('./lib/machine');
const { installCleanupHandlers, makeTempDir, readCpuSeconds } = require('./lib/processes');
const { percentile } = require('./lib/stats');
const { ROOT, createAdmin, ensureBuilt, login, startTomo } = require('./lib/tomo');
const { createSummary } = require('./lib/summary');
const { createBenchDatabase } = require('./lib/bench-database');
const { databaseSize, openStore } = require('./lib/monitoring-store');

const TARGETS = { summaryMs: 40, historyMs: 200, databaseMiB: 340 };
/** The poll interval while measuring (the default); the timed requests are spread over one. */
const POLL_INTERVAL_S = 30;
const DAY = 86400;
const MONITORING_DIST = path.join(ROOT, 'plugins', 'monitoring', 'dist');

function ensureMonitoringBuilt() {
  ensureBuilt();
  for (const file of ['metrics/rollups.js', 'metrics/metric-codec.js', 'config.js', 'migrations/1764900200000-monitoring-rollups.js']) {
    if (!fs.existsSync(path.join(MONITORING_DIST, file))) throw new Error(`plugins/monitoring/dist/${file} is missing: build first with \`npx tsc -b plugins/monitoring\``);
  }
}

/** Small deterministic PRNG (mulberry32), so every run generates the same values. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GiB = 1024 ** 3;

/** A server's fixed traits: size, how busy, how full. */
function serverProfile(i) {
  const r = prng(1000 + i);
  const cores = [1, 2, 4, 8, 16][Math.floor(r() * 5)];
  return {
    id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    cores,
    baseCpu: 3 + r() * 40,
    swing: 2 + r() * 25,
    phase: r() * DAY,
    memTotal: [2, 4, 8, 16, 32][Math.floor(r() * 5)] * GiB,
    memShare: 0.25 + r() * 0.5,
    diskTotal: Math.round((50 + r() * 450) * 1e9),
    diskShare: 0.1 + r() * 0.6,
    dockerTotal: Math.round((50 + r() * 450) * 1e9),
    latency: 0.8 + r() * 15,
    rand: r,
  };
}

/** One poll's row, as the poller writes it (poller.ts: pollOne). */
function sampleRow(p, ts, start) {
  const r = p.rand;
  const daily = Math.sin(((ts + p.phase) / DAY) * 2 * Math.PI);
  const cpu = Math.min(100, Math.max(0, p.baseCpu + p.swing * daily + (r() - 0.5) * 10));
  const load1 = Math.max(0, (cpu / 100) * p.cores + (r() - 0.5) * 0.3);
  const memUsed = Math.round(p.memTotal * Math.min(0.98, p.memShare + 0.05 * daily + (r() - 0.5) * 0.02));
  const grown = (ts - start) / (30 * DAY); // disks fill slowly
  const diskUsed = Math.round(p.diskTotal * Math.min(0.99, p.diskShare + 0.05 * grown));
  const dockerUsed = Math.round(p.dockerTotal * Math.min(0.99, p.diskShare * 0.5 + 0.05 * grown));
  return [
    p.seriesId, ts, Math.round(cpu * 10) / 10, p.memTotal, memUsed, p.diskTotal, diskUsed, p.dockerTotal, dockerUsed,
    Math.round(load1 * 100) / 100, Math.round(load1 * 95) / 100, Math.round(load1 * 90) / 100, ts - start + 86400, Math.round((p.latency + r() * 3) * 10) / 10,
  ];
}

const SAMPLE_COLUMNS = ['seriesId', 'ts', 'cpuPercent', 'memTotalBytes', 'memUsedBytes', 'diskTotalBytes', 'diskUsedBytes', 'dockerDiskTotalBytes', 'dockerDiskUsedBytes', 'load1', 'load5', 'load15', 'uptimeSeconds', 'latencyMs'];

/** A row of measured values as the poller stores it (the entity's transformers: the built metric-codec). */
let codec = null;
function storedRow(values) {
  codec ??= require(path.join(MONITORING_DIST, 'metrics/metric-codec.js'));
  const { encodeMetric } = codec;
  return values.map((v, i) => (i < 2 ? v : encodeMetric(SAMPLE_COLUMNS[i], v)));
}

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const ratio = (value, target) => `${(value / target).toFixed(2)} of target`;

/**
 * Writes `days` days of samples for `servers` servers into the migrated database, rolling up and
 * applying retention after each hour with the built job, the clock at the end of that hour.
 */
async function generate(store, dbFile, { servers, days, interval, end, ownerId, log, target }) {
  const { Rollups } = require(path.join(MONITORING_DIST, 'metrics', 'rollups.js'));
  const { monitoringConfigSchema } = require(path.join(MONITORING_DIST, 'config.js'));
  const defaults = monitoringConfigSchema.parse({});
  const retention = { rawHours: defaults.metricsRawRetentionHours, fiveMinuteDays: defaults.metrics5mRetentionDays, hourlyDays: defaults.metrics1hRetentionDays };
  const ds = store.dataSource;
  let now = end - days * DAY;
  const clock = { now: () => new Date(now * 1000) };
  const rollups = new Rollups(ds, clock, require('pino')({ level: 'silent' }));
  const times = { insertMs: 0, rollupMs: 0, pruneMs: 0, rows: 0 };
  try {
    // The servers (sealed credentials as the servers plugin stores them), owned by the admin;
    // they point at `target` (an sshd the poller polls while measuring), or else at a closed
    // loopback port so the poller's one round at start fails at once.
    const { SecretVault } = require(path.join(ROOT, 'kernel', 'dist', 'index.js'));
    const vault = SecretVault.fromKeyFile(path.join(path.dirname(dbFile), 'secrets', 'vault.key'));
    const iso = new Date(end * 1000).toISOString();
    const at = target ?? { port: 1, username: 'root', password: null };
    const profiles = Array.from({ length: servers }, (_, i) => serverProfile(i));
    // Each server with its metric series (its integer key), as the poller creates it at the first sample.
    const seriesIds = await store.addServers(
      profiles.map((p, i) => ({ id: p.id, name: `server-${String(i).padStart(3, '0')}`, port: at.port, username: at.username, sealed: vault.seal(JSON.stringify({ type: 'password', password: at.password ?? `pw-${i}` }), p.id), ownerId, at: iso })),
    );
    for (const [i, p] of profiles.entries()) p.seriesId = seriesIds[i];
    const start = now;
    const HOUR = 3600;
    for (let day = 0; day < days; day++) {
      // Hour by hour, as Tomo does it: samples, then the rollup job, then retention (hourly).
      for (let from = start + day * DAY; from < start + (day + 1) * DAY; from += HOUR) {
        let t0 = performance.now();
        const rows = [];
        for (let ts = from; ts < from + HOUR; ts += interval) {
          for (const p of profiles) rows.push(storedRow(sampleRow(p, ts + (p.rand() < 0.5 ? 0 : 1), start)));
        }
        await store.addSamples(SAMPLE_COLUMNS, rows);
        times.rows += (HOUR / interval) * servers;
        times.insertMs += performance.now() - t0;
        now = from + HOUR;
        t0 = performance.now();
        await rollups.run();
        times.rollupMs += performance.now() - t0;
        t0 = performance.now();
        await rollups.prune(retention);
        times.pruneMs += performance.now() - t0;
      }
      await store.endOfDay();
      if ((day + 1) % 5 === 0 || day === days - 1) log(`   day ${day + 1}/${days}: ${(times.rows / 1e6).toFixed(2)} M samples written, insert ${(times.insertMs / 1000).toFixed(0)} s, rollups ${(times.rollupMs / 1000).toFixed(1)} s, retention ${(times.pruneMs / 1000).toFixed(1)} s`);
    }
    const counts = {};
    counts.raw = Number((await store.all('SELECT COUNT(*) AS n FROM metric_samples'))[0].n);
    for (const r of await store.all('SELECT resolution, COUNT(*) AS n FROM metric_rollups GROUP BY resolution')) counts[Number(r.resolution) === 300 ? 'fiveMinute' : 'hourly'] = Number(r.n);
    return { times, counts, ids: profiles.map((p) => p.id), retention };
  } finally {
    await store.close();
  }
}

/** Times `runs` calls after 3 warm-ups; with `spreadMs`, the calls start evenly over that long (to meet the poll rounds). */
async function timeRuns(runs, fn, spreadMs = 0) {
  for (let i = 0; i < 3; i++) await fn(i); // warm-up
  const times = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const wait = start + (spreadMs * i) / runs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), runs };
}

/** Generates the database, starts Tomo on it, measures; returns the figures (and prints them unless `quiet`). */
async function run({ servers = envInt('BENCH_MON_SERVERS', 200, 1), days = envInt('BENCH_MON_DAYS', 30, 3), interval = envInt('BENCH_MON_INTERVAL', 30, 1), runs = envInt('BENCH_QUERY_RUNS', 50, 5), polling = process.env.BENCH_MON_POLL !== '0', quiet = false, instances = 1 } = {}) {
  const log = quiet ? () => undefined : (line) => console.log(line);
  ensureMonitoringBuilt();
  installCleanupHandlers();
  const tmp = makeTempDir('tomo-bench-monitoring-');
  const dataDir = path.join(tmp, 'data');
  const dbFile = path.join(dataDir, 'tomo.db');
  const config = path.join(tmp, 'config.yaml');
  // Polling: the default interval and concurrency, every server against one sshd. Without: one
  // poll round at start (every server refuses at once), the next an hour later.
  fs.writeFileSync(config, polling ? `log:\n  level: warn\nmonitoring:\n  intervalSeconds: ${POLL_INTERVAL_S}\n` : 'log:\n  level: warn\nmonitoring:\n  intervalSeconds: 3600\n  maxConcurrentPolls: 16\n');
  const database = await createBenchDatabase();
  let sshd = null;
  try {
    let target = null;
    if (polling) {
      const { startDebugSshd } = require('./lib/debug-sshd');
      const { loadTestbed } = require('../scripts/testbed/testbed.js');
      const { ssh } = loadTestbed();
      sshd = await startDebugSshd();
      target = { port: sshd.port, username: ssh.username, password: ssh.password };
    }
    if (instances > 1 && database.kind !== 'postgres') throw new Error('several instances need PostgreSQL: set BENCH_DATABASE_URL');
    return await runOn(database, { servers, days, interval, runs, polling, quiet, log, dataDir, dbFile, config, sshd, target, instances });
  } finally {
    sshd?.stop();
    await database.drop();
  }
}

/** run() on its database (SQLite in the data folder, or the run's PostgreSQL database). */
async function runOn(database, { servers, days, interval, runs, polling, quiet, log, dataDir, dbFile, config, sshd, target, instances = 1 }) {
  log(`Monitoring storage: ${servers} servers x ${days} days at a ${interval}-second interval, on ${database.label}`);
  const t0 = performance.now();
  const admin = await createAdmin(dataDir, { env: database.env }); // creates and migrates the database with the built Tomo
  const store = await openStore(database, dbFile);
  const ownerId = await store.ownerId(admin.username);
  const end = Math.floor(Date.now() / 1000);
  const gen = await generate(store, dbFile, { servers, days, interval, end, ownerId, log, target });
  const generationMs = performance.now() - t0;

  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of tomo serve (node bench/lib/cpuprofile-summary.js reads it).
  const nodeArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const tomo = await startTomo({ dataDir, nodeArgs, env: { TOMO_CONFIG: config, ...database.env }, timeoutMs: 120000 });
  // Several instances (issue 24): more `tomo serve` on the same database and secrets (here the
  // same data folder), as the admin guide sets them up; requests go to each in turn.
  const all = [tomo];
  const spreadMs = polling ? POLL_INTERVAL_S * 1000 : 0;
  try {
    for (let i = 1; i < instances; i++) all.push(await startTomo({ dataDir, env: { TOMO_CONFIG: config, ...database.env }, timeoutMs: 120000 }));
    const token = await login(tomo.url, admin);
    let turn = 0;
    const get = async (route) => {
      const base = all[turn++ % all.length].url;
      const res = await request('GET', `${base}${route}`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`GET ${route}: HTTP ${res.status} ${res.body}`);
      return res.json;
    };
    // Polling: wait until every server answered a poll (its connection made), then measure while
    // the rounds go on. Without: wait for the one round (every server refused), then nothing polls.
    for (const deadline = Date.now() + 180000; ; ) {
      const { servers: list } = await get('/api/metrics/servers');
      if (list.length === servers && list.every((s) => (polling ? s.status === 'online' : s.lastPollAt))) break;
      if (Date.now() > deadline) throw new Error(`the poller did not ${polling ? 'reach every server' : 'finish its first round'} within 180 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const summaryBody = await get('/api/metrics/summary');
    if (summaryBody.servers.total !== servers) throw new Error(`the summary counts ${summaryBody.servers.total} servers, not ${servers}`);
    // CPU of each instance over the measured part (the timed requests, spread over poll rounds).
    const cpuBefore = all.map((t) => readCpuSeconds(t.handle.pid));
    const measuredFrom = performance.now();
    const sample = await get(`/api/metrics/servers/${gen.ids[0]}?period=30d`);
    const summary = await timeRuns(runs, () => get('/api/metrics/summary'), spreadMs);
    const history = {};
    for (const period of ['30d', '7d', '24h']) {
      history[period] = await timeRuns(runs, (i) => get(`/api/metrics/servers/${gen.ids[(i * 37) % gen.ids.length]}?period=${period}`), period === '30d' ? spreadMs : 0);
    }
    const measuredSeconds = (performance.now() - measuredFrom) / 1000;
    const cpuPercent = all.map((t, i) => ((readCpuSeconds(t.handle.pid) - cpuBefore[i]) / measuredSeconds) * 100);
    const polls = polling ? sshd.channelOpens() : 0;
    const sizes = await databaseSize(database, dbFile);
    const figures = {
      engine: database.kind,
      servers,
      days,
      intervalSeconds: interval,
      samplesWritten: gen.times.rows,
      generationSeconds: generationMs / 1000,
      generation: { insertSeconds: gen.times.insertMs / 1000, rollupSeconds: gen.times.rollupMs / 1000, retentionSeconds: gen.times.pruneMs / 1000 },
      retention: gen.retention,
      rows: gen.counts,
      database: sizes,
      summary,
      polling,
      polls,
      instances: { count: all.length, cpuPercent, measuredSeconds },
      history,
      history30d: { points: sample.points.length, resolution: sample.resolution, bucketSeconds: sample.bucketSeconds },
      targets: TARGETS,
      pass: { summary: summary.p95 <= TARGETS.summaryMs, history30d: history['30d'].p95 <= TARGETS.historyMs, database: sizes.totalBytes / 1048576 <= TARGETS.databaseMiB },
    };
    if (!quiet) print(figures);
    return figures;
  } finally {
    for (const t of all.reverse()) await t.handle.stop(10000);
  }
}

function print(f) {
  console.log(`\nGeneration: ${(f.samplesWritten / 1e6).toFixed(2)} M samples in ${f.generationSeconds.toFixed(0)} s (insert ${f.generation.insertSeconds.toFixed(0)} s, rollup job ${f.generation.rollupSeconds.toFixed(1)} s, retention ${f.generation.retentionSeconds.toFixed(1)} s)`);
  console.log(`Kept (raw ${f.retention.rawHours} h, 5-minute ${f.retention.fiveMinuteDays} d, hourly ${f.retention.hourlyDays} d): ${f.rows.raw} raw samples, ${f.rows.fiveMinute} 5-minute rows, ${f.rows.hourly} hourly rows`);
  const where = f.engine === 'postgres' ? 'pg_database_size' : `file ${mib(f.database.db)} + WAL ${mib(f.database.wal)}`;
  const free = f.engine === 'postgres' ? '' : `; of the file, ${mib(f.database.freeBytes)} free pages (left by the hourly retention, reused by the next samples)`;
  console.log(`Database (${f.engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}): ${mib(f.database.totalBytes)} (target <= ${TARGETS.databaseMiB} MiB, ${ratio(f.database.totalBytes / 1048576, TARGETS.databaseMiB)}) ${verdict(f.pass.database)} (${where}), ${(f.database.totalBytes / f.servers / 1048576).toFixed(2)} MiB per server${free}`);
  if (f.database.perTable.length) console.log(`   largest: ${f.database.perTable.map((t) => `${t.name} ${mib(t.bytes)}`).join(', ')}`);
  console.log(`\nThrough HTTP (admin token, ${f.servers} servers), ${f.summary.runs} runs each after 3 warm-ups${f.polling ? `, the summary and 30-day runs spread over ${POLL_INTERVAL_S} s while the poller polls every server (${f.polls} SSH channels opened by then)` : ', nothing polling'}:`);
  console.log(`   dashboard summary  p50 ${ms(f.summary.p50)}   p95 ${ms(f.summary.p95)} (target <= ${TARGETS.summaryMs} ms, ${ratio(f.summary.p95, TARGETS.summaryMs)})   ${verdict(f.pass.summary)}`);
  const h = f.history['30d'];
  console.log(`   30-day history     p50 ${ms(h.p50)}   p95 ${ms(h.p95)} (target <= ${TARGETS.historyMs} ms, ${ratio(h.p95, TARGETS.historyMs)})   ${verdict(f.pass.history30d)}   [${f.history30d.points} points, ${f.history30d.resolution}, ${f.history30d.bucketSeconds / 3600} h buckets]`);
  for (const period of ['7d', '24h']) console.log(`   ${period.padEnd(3)} history (ref.) p50 ${ms(f.history[period].p50)}   p95 ${ms(f.history[period].p95)}`);
  const summary = createSummary('monitoring-history');
  summary.check('summary_p95', f.summary.p95, '<=', TARGETS.summaryMs, { unit: 'ms', digits: 1 });
  summary.check('history_30d_p95', h.p95, '<=', TARGETS.historyMs, { unit: 'ms', digits: 1 });
  summary.check('database', f.database.totalBytes / 1048576, '<=', TARGETS.databaseMiB, { unit: 'MiB', digits: 1 });
  summary.note('servers', f.servers);
  summary.note('engine', f.engine);
  summary.note('generated_in', f.generationSeconds, { unit: 's', digits: 0 });
  summary.print();
}

/**
 * The figures bench/monitoring.js prints as its part (b): `run()`'s, plus the names it reads
 * (`generatedSeconds`, `databaseBytes`, `rowsLine`, `thirtyDays`). Prints its own lines when `print`.
 */
async function measureHistory({ print = true, ...options } = {}) {
  const f = await run({ ...options, quiet: !print });
  return {
    ...f,
    generatedSeconds: f.generationSeconds,
    databaseBytes: f.database.totalBytes,
    rowsLine: `raw samples of the last ${f.retention.rawHours} h: ${f.rows.raw}, 5-minute rows: ${f.rows.fiveMinute}, hourly rows: ${f.rows.hourly}`,
    thirtyDays: { ...f.history['30d'], points: f.history30d.points },
  };
}

module.exports = { run, measureHistory };

if (require.main === module) {
  for (const line of machineLines()) console.log(line);
  run().then(
    () => process.exit(0),
    (err) => {
      console.error(err.stack || err.message);
      process.exit(1);
    },
  );
}
