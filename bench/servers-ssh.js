'use strict';
// Servers benchmark: what the SSH connection pool of the servers plugin buys, against the test
// bed's real OpenSSH server (127.0.0.1:2222, see scripts/testbed.sh).
//   1. 50 sequential commands (`true`) on the pooled connection vs a new connection per command
//      (connect + key exchange + authentication + the command, each time).   target ratio >= 10
//   2. Connect latency: TCP connect + key exchange + authentication (ed25519 key and password),
//      N samples each, median.
//   3. Warm round trip: one command on the open pooled connection, N samples, median.
// It drives the built pool directly (plugins/servers/dist/services/ssh-connection-pool.js) with
// a target made from testbed.json: no kernel, no database, no HTTP in the figures.
// Usage: npx tsc -b plugins/servers && node bench/servers-ssh.js
//   BENCH_SSH_COMMANDS (default 50), BENCH_SSH_SAMPLES (default 25, at least 20), BENCH_JSON=<file>.
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when the benchmark
// itself broke (no test bed, no build, a command failed or exited non-zero).
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { envInt } = require('./lib/env');
const { machineFacts, machineLines } = require('./lib/machine');
const { installCleanupHandlers } = require('./lib/processes');
const { summarize } = require('./lib/stats');
const { createSummary } = require('./lib/summary');

const ROOT = path.resolve(__dirname, '..');
const POOL_JS = path.join(ROOT, 'plugins', 'servers', 'dist', 'services', 'ssh-connection-pool.js');


const SETTINGS = {
  commands: envInt('BENCH_SSH_COMMANDS', 50, 1),
  samples: envInt('BENCH_SSH_SAMPLES', 25, 20),
  jsonOut: process.env.BENCH_JSON || '',
};
const TARGETS = { pooledSpeedup: 10 };
const COMMAND = ['true'];

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const num = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The pool and the test bed, or a clear error saying what to do. */
function load() {
  if (!fs.existsSync(POOL_JS)) throw new Error(`${path.relative(ROOT, POOL_JS)} is missing: build first with \`cd ${ROOT} && npx tsc -b plugins/servers\``);
  const { SshConnectionPool } = require(POOL_JS);
  const { loadTestbed } = require(path.join(ROOT, 'scripts', 'testbed', 'testbed.js'));
  return { SshConnectionPool, testbed: loadTestbed() };
}

/** The first line the server sends (its SSH identification, e.g. `SSH-2.0-OpenSSH_9.2p1 ...`). */
function serverIdent(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buf = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no SSH identification from ${host}:${port} within 5 s`));
    }, 5000);
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      const eol = buf.indexOf('\n');
      if (eol >= 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(buf.slice(0, eol).trim());
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the test sshd at ${host}:${port}: ${err.message} (run \`sudo bash scripts/testbed.sh\`)`));
    });
  });
}

/** The pool only logs errors; they are printed (they would mean the benchmark broke). */
const log = {
  error: (obj, msg) => process.stderr.write(`pool error: ${msg} ${obj && obj.err ? obj.err.message : ''}\n`),
  child: () => log,
};

/** Runs a command and insists it worked: a benchmark of failing commands measures nothing. */
async function run(pool, target, events) {
  const r = await pool.exec(target, COMMAND, {}, events);
  if (r.exitCode !== 0) throw new Error(`\`${COMMAND.join(' ')}\` exited ${r.exitCode} (signal ${r.signal}): ${r.stderr}`);
  return r;
}

async function main() {
  installCleanupHandlers();
  const started = Date.now();
  const facts = machineFacts();
  console.log(`=== Tomo servers (SSH) benchmark (${new Date().toISOString()}) ===`);
  for (const line of machineLines(facts)) console.log(line);
  const { SshConnectionPool, testbed } = load();
  const { ssh } = testbed;
  const ident = await serverIdent(ssh.host, ssh.port);
  console.log(`sshd      : ${ident} at ${ssh.host}:${ssh.port} (the test bed; loopback, so no network latency in the figures)`);
  console.log(`Client    : ssh2 ${require('ssh2/package.json').version} through the pool in ${path.relative(ROOT, POOL_JS)}; command \`${COMMAND.join(' ')}\``);
  console.log(`Settings  : ${SETTINGS.commands} commands per series, ${SETTINGS.samples} latency samples (BENCH_SSH_COMMANDS / BENCH_SSH_SAMPLES)`);
  console.log('Note      : the test sshd may also serve other test runs meanwhile; compare ratios, not absolutes.');

  const pool = new SshConnectionPool(
    { handshakeTimeoutMs: 10000, commandTimeoutMs: 30000, keepaliveIntervalMs: 15000, idleCloseMs: 300000, maxChannelsPerConnection: 8 },
    log,
  );
  // Trust on first use, as the plugin does: the first connection records the key, later ones check it.
  let fingerprint = null;
  const events = {
    onFirstSeen: (key) => {
      fingerprint = key.fingerprint;
    },
    onMismatch: (key) => {
      throw new Error(`the test sshd presented another host key (${key.fingerprint}) than at first contact (${fingerprint})`);
    },
    // The trusted key presented again: nothing to record here (the plugin updates its last-seen time).
    onTrustedSeen: () => undefined,
  };
  const keyTarget = () => ({
    id: 'bench-key',
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    credentials: { type: 'key', privateKey: fs.readFileSync(ssh.keys.ed25519, 'utf8') },
    trustedFingerprint: fingerprint,
  });
  const passwordTarget = () => ({
    id: 'bench-password',
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    credentials: { type: 'password', password: ssh.password },
    trustedFingerprint: fingerprint,
  });

  try {
    // Warm-up: first contact (host key), JIT, and the sshd's caches.
    await run(pool, keyTarget(), events);
    console.log(`Host key  : ${fingerprint} (trusted on first use, checked on every later connection)`);
    for (let i = 0; i < 5; i++) {
      pool.drop('bench-key');
      await run(pool, keyTarget(), events);
    }

    // 1. Pooled vs a new connection per command.
    console.log(`\n[1] ${SETTINGS.commands} sequential commands: one pooled connection vs a new connection per command (ed25519 key)`);
    const target = keyTarget();
    await run(pool, target, events); // the pooled connection is open before the clock starts
    let t0 = now();
    for (let i = 0; i < SETTINGS.commands; i++) await run(pool, target, events);
    const pooledMs = now() - t0;
    t0 = now();
    for (let i = 0; i < SETTINGS.commands; i++) {
      pool.drop(target.id);
      await run(pool, target, events);
    }
    const freshMs = now() - t0;
    const ratio = freshMs / pooledMs;
    const ratioOk = ratio >= TARGETS.pooledSpeedup;
    console.log(`  pooled connection         : ${num(pooledMs, 0).padStart(6)} ms total   ${num(pooledMs / SETTINGS.commands, 2).padStart(7)} ms/command`);
    console.log(`  new connection each       : ${num(freshMs, 0).padStart(6)} ms total   ${num(freshMs / SETTINGS.commands, 2).padStart(7)} ms/command`);
    console.log(`  pooled speed-up           : ${num(ratio, 1)}x  (target >= ${TARGETS.pooledSpeedup}x)  ${verdict(ratioOk)}`);

    // 2. Connect latency (connectFresh: a new connection, ready = authenticated), key and password.
    console.log(`\n[2] Connect latency: TCP + key exchange + authentication until ready, ${SETTINGS.samples} samples each`);
    const connect = {};
    for (const [label, make] of [
      ['ed25519 key', keyTarget],
      ['password (PAM)', passwordTarget],
    ]) {
      const times = [];
      for (let i = 0; i < SETTINGS.samples; i++) {
        const s = now();
        await pool.connectFresh(make(), events);
        times.push(now() - s);
      }
      pool.drop(make().id);
      connect[label] = { times, ...summarize(times) };
      const c = connect[label];
      console.log(`  ${label.padEnd(26)}: median ${num(c.median, 2).padStart(7)} ms   p95 ${num(c.p95, 2).padStart(7)}   min ${num(c.min, 2).padStart(7)}   max ${num(c.max, 2).padStart(7)}`);
    }

    // 3. Warm round trip on the pooled connection.
    console.log(`\n[3] Warm round trip: one \`${COMMAND.join(' ')}\` on the open pooled connection (channel open, exec, exit status, close), ${SETTINGS.samples} samples`);
    await run(pool, target, events);
    const rtt = [];
    for (let i = 0; i < SETTINGS.samples; i++) {
      const s = now();
      await run(pool, target, events);
      rtt.push(now() - s);
    }
    const warm = summarize(rtt);
    console.log(`  warm round trip           : median ${num(warm.median, 2).padStart(7)} ms   p95 ${num(warm.p95, 2).padStart(7)}   min ${num(warm.min, 2).padStart(7)}   max ${num(warm.max, 2).padStart(7)}`);
    const keyConnect = connect['ed25519 key'];
    console.log(`  connect / round trip      : ${num(keyConnect.median / warm.median, 1)}x  (what each command would pay without the pool, besides its round trip)`);

    const summary = createSummary('servers-ssh');
    summary.check('pooled_speedup', ratio, '>=', TARGETS.pooledSpeedup, { unit: 'x', digits: 1 });
    summary.note('pooled_per_command', pooledMs / SETTINGS.commands, { unit: 'ms', digits: 2 });
    summary.note('fresh_per_command', freshMs / SETTINGS.commands, { unit: 'ms', digits: 2 });
    summary.note('connect_key_median', keyConnect.median, { unit: 'ms', digits: 2 });
    summary.note('connect_password_median', connect['password (PAM)'].median, { unit: 'ms', digits: 2 });
    summary.note('warm_round_trip_median', warm.median, { unit: 'ms', digits: 2 });
    summary.note('took', (Date.now() - started) / 1000, { unit: 's', digits: 1 });
    summary.print();

    if (SETTINGS.jsonOut) {
      fs.writeFileSync(
        SETTINGS.jsonOut,
        `${JSON.stringify(
          {
            benchmark: 'servers-ssh',
            at: new Date(started).toISOString(),
            machine: facts,
            sshd: ident,
            settings: SETTINGS,
            targets: TARGETS,
            sequential: { commands: SETTINGS.commands, pooledMs, freshMs, ratio, pass: ratioOk },
            connect,
            warmRoundTrip: { times: rtt, ...warm },
          },
          null,
          2,
        )}\n`,
      );
      console.log(`(results written to ${SETTINGS.jsonOut})`);
    }
  } finally {
    await pool.closeAll();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`\nBENCHMARK BROKEN: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
