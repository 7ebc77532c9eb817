#!/usr/bin/env node
'use strict';
// Backup: time and peak memory of `tomo export --include-history` and `tomo import` on generated
// instances (N servers with sealed credentials and preparation states, 30 days of hourly metrics
// per server in an unclaimed table), at two sizes: peak memory must stay flat as the instance
// grows (rows are streamed, never loaded whole). Runs the built `tomo` (bin/tomo.js) with the
// default scrypt cost (18). Peak memory is the process's max RSS from /usr/bin/time.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { installCleanupHandlers, makeTempDir } = require('./lib/processes');
const { machineLines } = require('./lib/machine');
const { ROOT, TOMO_BIN, ensureBuilt, tomoEnv } = require('./lib/tomo');
const { createSummary } = require('./lib/summary');

const SIZES = (process.env.BENCH_BACKUP_SERVERS || '250,1000').split(',').map(Number);
const DAYS = Number(process.env.BENCH_BACKUP_DAYS || 30);
const SAMPLES_PER_DAY = Number(process.env.BENCH_BACKUP_SAMPLES_PER_DAY || 24);
const PASSWORD = 'bench-backup-password-123';
/** Target: peak RSS at the largest size at most this much above the smallest. */
const FLAT_TOLERANCE = 0.25;

function timed(args, dataDir) {
  const res = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, TOMO_BIN, ...args], {
    cwd: ROOT,
    env: tomoEnv(dataDir, { TOMO_BACKUP_PASSWORD: PASSWORD, TOMO_LOG_LEVEL: 'warn' }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = res.stderr.trim().split('\n').pop();
  if (res.status !== 0) throw new Error(`tomo ${args[0]} failed (${res.status}): ${res.stderr.slice(-2000)}`);
  const [seconds, maxKb] = last.split(' ').map(Number);
  return { seconds, peakMiB: maxKb / 1024, stdout: res.stdout };
}

const METRICS_TABLE = 'CREATE TABLE bench_metrics (id INTEGER PRIMARY KEY, serverId TEXT NOT NULL, at TEXT NOT NULL, cpu REAL, mem REAL, disk REAL)';

/** A migrated, empty instance (plus the metrics table a monitoring plugin would have made). */
function freshInstance(prefix) {
  const dir = makeTempDir(prefix);
  const res = spawnSync(process.execPath, [TOMO_BIN, 'migrate'], { cwd: ROOT, env: tomoEnv(dir, { TOMO_LOG_LEVEL: 'warn' }), encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`tomo migrate: ${res.stderr}`);
  const Database = require(require.resolve('better-sqlite3', { paths: [path.join(ROOT, 'kernel')] }));
  const db = new Database(path.join(dir, 'tomo.db'));
  db.exec(METRICS_TABLE);
  return { dir, db };
}

function generate(servers) {
  const { dir, db } = freshInstance('tomo-bench-backup-src-');
  const { SecretVault } = require(path.join(ROOT, 'kernel', 'dist', 'index.js'));
  const vault = SecretVault.fromKeyFile(path.join(dir, 'secrets', 'vault.key'));
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString();
  const userId = '00000000-0000-4000-8000-000000000001';
  db.prepare("INSERT INTO auth_users VALUES (?, 'bench', 'bench', 'bench@example.com', 'admin', '$2b$12$abcdefghijklmnopqrstuu5Zb2Hh2Xw7bK1Z1V3p1pV1p1pV1p1pV1', 0, ?, ?, NULL)").run(userId, iso(now), iso(now));
  const server = db.prepare("INSERT INTO servers (id, name, host, port, username, authType, credentialsSealed, status, ownerId, createdAt, updatedAt) VALUES (?, ?, ?, 22, 'root', 'password', ?, 'unknown', ?, ?, ?)");
  const prep = db.prepare("INSERT INTO preparations (id, serverId, status, stepsJson, updatedAt) VALUES (?, ?, 'completed', '[]', ?)");
  const metric = db.prepare('INSERT INTO bench_metrics (serverId, at, cpu, mem, disk) VALUES (?, ?, ?, ?, ?)');
  const step = 86400000 / SAMPLES_PER_DAY;
  db.transaction(() => {
    for (let i = 0; i < servers; i++) {
      const id = `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
      server.run(id, `server-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, vault.seal(JSON.stringify({ type: 'password', password: `pw-${i}` }), id), userId, iso(now), iso(now));
      prep.run(`00000000-0000-4000-a000-${String(i).padStart(12, '0')}`, id, iso(now));
      for (let s = 0; s < DAYS * SAMPLES_PER_DAY; s++) metric.run(id, iso(now - s * step), Math.random(), Math.random(), Math.random());
    }
  })();
  db.close();
  return dir;
}

function main() {
  installCleanupHandlers();
  ensureBuilt();
  for (const line of machineLines()) console.log(line);
  console.log(`backup: ${DAYS} days x ${SAMPLES_PER_DAY} samples/day of metrics per server, sizes ${SIZES.join(', ')} servers, scrypt cost 18\n`);
  const results = [];
  for (const servers of SIZES) {
    const src = generate(servers);
    const file = path.join(src, 'backup.enc');
    const exp = timed(['export', '--output', file, '--include-history'], src);
    const { dir: target } = freshInstance('tomo-bench-backup-dst-');
    const imp = timed(['import', file], target);
    const rows = servers * (2 + DAYS * SAMPLES_PER_DAY) + 1;
    const size = fs.statSync(file).size / 1048576;
    results.push({ servers, exp, imp });
    console.log(
      `${servers} servers (${rows} rows, backup ${size.toFixed(1)} MiB): export ${exp.seconds.toFixed(1)} s, peak ${exp.peakMiB.toFixed(0)} MiB | import ${imp.seconds.toFixed(1)} s, peak ${imp.peakMiB.toFixed(0)} MiB`,
    );
  }
  const first = results[0];
  const last = results[results.length - 1];
  const summary = createSummary('backup');
  for (const kind of ['exp', 'imp']) {
    const growth = last[kind].peakMiB / first[kind].peakMiB - 1;
    const name = kind === 'exp' ? 'export' : 'import';
    console.log(`${name} peak memory ${first.servers} -> ${last.servers} servers: ${(growth * 100).toFixed(0)}% ${growth <= FLAT_TOLERANCE ? 'PASS' : 'FAIL'} (target <= ${FLAT_TOLERANCE * 100}%)`);
    summary.check(`${name}_peak_growth`, growth * 100, '<=', FLAT_TOLERANCE * 100, { unit: '%', digits: 0 });
  }
  summary.note('export_peak', last.exp.peakMiB, { unit: 'MiB', digits: 0 });
  summary.note('import_peak', last.imp.peakMiB, { unit: 'MiB', digits: 0 });
  summary.note('servers', last.servers);
  summary.print();
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
