'use strict';
// Alerts evaluation benchmark (issue 18, acceptance 7): the CPU one poll round of rule evaluation
// costs Tomo, for 200 servers x 10 metric rules (every rule covers every server: 2,000
// evaluations a round), in memory as the alerts plugin does it on each poll's figures.
//   The AlertEngine of plugins/alerts (compiled dist/, built here when missing) on a real SQLite
//   database migrated by the plugin's own migrations; each round announces 200 polls whose figures
//   walk slowly, a few near thresholds (so some alerts fire and resolve). CPU of the process
//   (user + system, process.cpuUsage) per round: the evaluation itself (the target), and with the
//   writes and notifications of the alerts that fired or resolved.
//                                                                 target: <= 5 ms of CPU per round
// Usage: node bench/alerts-evaluation.js    BENCH_ROUNDS (default 200), BENCH_SERVERS (200), BENCH_RULES (10)
// Exit code: 0 when the figures were produced (even if the target FAILs); 1 when the benchmark broke.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { envInt } = require('./lib/env');
const { machineLines } = require('./lib/machine');
const { summarize } = require('./lib/stats');
const { createSummary } = require('./lib/summary');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'plugins', 'alerts', 'dist');
const SETTINGS = { rounds: envInt('BENCH_ROUNDS', 200, 10), servers: envInt('BENCH_SERVERS', 200, 1), rules: envInt('BENCH_RULES', 10, 1), warmup: 20 };
const TARGET_MS = 5;
const METRICS = ['cpu', 'memory', 'disk_root', 'disk_docker', 'load', 'ssh_latency'];
const THRESHOLDS = { cpu: 90, memory: 90, disk_root: 85, disk_docker: 85, load: 8, ssh_latency: 500 };

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const ms = (n) => `${n.toFixed(3)} ms`;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function ensureBuilt() {
  if (fs.existsSync(path.join(DIST, 'evaluation', 'alert-engine.js'))) return;
  const built = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', path.join(ROOT, 'plugins', 'alerts')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building plugins/alerts failed');
}

/** A deterministic random sequence (the same figures on every run). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function main() {
  require('reflect-metadata');
  ensureBuilt();
  const { DataSource } = require('typeorm');
  const { alertsPlugin } = require(path.join(DIST, 'plugin.js'));
  const { AlertEngine } = require(path.join(DIST, 'evaluation', 'alert-engine.js'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-bench-alerts-'));
  const ds = new DataSource({ type: 'better-sqlite3', database: path.join(tmp, 'bench.sqlite'), entities: [...alertsPlugin.entities], migrations: [...alertsPlugin.migrations] });
  try {
    await ds.initialize();
    await ds.runMigrations();
    const now = new Date('2026-12-07T00:00:00Z');
    const rules = Array.from({ length: SETTINGS.rules }, (_, i) => {
      const metric = METRICS[i % METRICS.length];
      return { id: `rule-${i}`, name: `Rule ${i}`, enabled: true, ownerId: null, builtIn: false, kind: 'metric', metric, operator: '>', threshold: THRESHOLDS[metric], forMinutes: i % 3, clearThreshold: null, event: null, serverId: null, severity: 'warning', channelIdsJson: '["bench"]', createdAt: now, updatedAt: now };
    });
    let notifications = 0;
    const logger = { warn() {}, error() {}, info() {}, debug() {}, child() { return logger; } };
    const engine = new AlertEngine(ds, {
      clock: { now: () => new Date() },
      logger,
      activity: { record: async () => undefined },
      sender: () => ({ send: () => void (notifications += 1) }),
      silenced: async () => false,
      loadRules: async () => rules.map((rule) => ({ rule, coversAll: true })),
    });
    await engine.start();

    const random = rng(18);
    // Each server's figures walk slowly from where they are (as real ones do between two polls
    // 30 s apart); a few servers sit near a threshold, so some alerts fire and resolve over the run.
    const servers = Array.from({ length: SETTINGS.servers }, (_, i) => ({
      serverId: `server-${i}`,
      serverName: `server-${i}`,
      ownerId: 'owner',
      values: Object.fromEntries(METRICS.map((m) => [m, THRESHOLDS[m] * (i % 25 === 0 ? 0.97 : 0.3 + random() * 0.5)])),
    }));
    const walk = (s) => {
      for (const m of METRICS) s.values[m] = Math.max(0, s.values[m] * (1 + (random() - 0.5) * 0.04));
      const v = s.values;
      return { cpuPercent: v.cpu, memoryPercent: v.memory, diskRootPercent: v.disk_root, diskDockerPercent: v.disk_docker, load1: v.load, sshLatencyMs: v.ssh_latency, apps: [] };
    };
    const evaluation = [];
    const withWrites = [];
    let at = now.getTime();
    for (let round = 0; round < SETTINGS.warmup + SETTINGS.rounds; round++) {
      at += 30_000;
      const polls = servers.map((s) => ({ serverId: s.serverId, serverName: s.serverName, ownerId: s.ownerId, at: new Date(at), ...walk(s) }));
      const before = cpuMs();
      for (const poll of polls) void engine.onPoll(poll);
      const evaluated = cpuMs();
      await engine.idle();
      const written = cpuMs();
      if (round >= SETTINGS.warmup) {
        evaluation.push(evaluated - before);
        withWrites.push(written - before);
      }
    }
    const firing = (await ds.query("SELECT COUNT(*) AS n FROM alerts WHERE state = 'firing'"))[0].n;
    const total = (await ds.query('SELECT COUNT(*) AS n FROM alerts'))[0].n;
    const s = summarize(evaluation);
    const w = summarize(withWrites);
    const pass = s.median <= TARGET_MS;
    for (const line of machineLines()) console.log(line);
    console.log(`\nAlerts evaluation: ${SETTINGS.servers} servers x ${SETTINGS.rules} metric rules = ${SETTINGS.servers * SETTINGS.rules} evaluations a round, ${SETTINGS.rounds} rounds (after ${SETTINGS.warmup} warm-up)`);
    console.log(`  evaluation CPU per round (in memory, user+system): median ${ms(s.median)}, p95 ${ms(s.p95)}, max ${ms(s.max)}   target median <= ${TARGET_MS} ms: ${verdict(pass)}`);
    console.log(`  with the writes of the alerts that fired or resolved: median ${ms(w.median)}, p95 ${ms(w.p95)}, max ${ms(w.max)}`);
    console.log(`  alerts fired over the run: ${total} (${firing} still firing), notifications handed to the sender: ${notifications}`);
    const summary = createSummary('alerts-evaluation');
    summary.check('cpu_per_round_median', s.median, '<=', TARGET_MS, { unit: 'ms', digits: 2 });
    summary.note('p95', s.p95, { unit: 'ms', digits: 2 });
    summary.note('with_writes_median', w.median, { unit: 'ms', digits: 2 });
    summary.note('evaluations_per_round', SETTINGS.servers * SETTINGS.rules);
    summary.note('alerts_fired', Number(total));
    summary.print();
  } finally {
    if (ds.isInitialized) await ds.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
