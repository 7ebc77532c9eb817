'use strict';
// Foundation benchmark: what the kernel + auth plugin cost before any feature is added.
//   1. Authenticated GET /api/auth/me req/s on a real `tomo serve`, against a bare Koa app
//      (one @koa/router route), both as single child processes, same Node, both running, measured
//      in alternating rounds (bare, tomo, tomo, bare, ...): the ratio is the median of the rounds'
//      ratios, so a change in machine speed during the run hits both sides alike.
//                                       target ratio >= 0.65, server CPU per request <= 50 us
//   2. Idle RSS of `tomo serve` ~3 s after /health first answers.          target <= 90 MB
//   3. Spawn -> first 200 from /health, N runs, cold (empty data dir) and warm (existing
//      data dir).                                                   target warm median <= 600 ms
// Usage: node bench/foundation.js   (build first: npx tsc -b plugins/auth). See bench/README.md.
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when the benchmark
// itself broke (a server did not start, non-2xx answers, socket errors).
const fs = require('node:fs');
const path = require('node:path');
const { machineFacts, machineLines } = require('./lib/machine');
const { freePort } = require('./lib/ports');
const { request, waitFor200, sleep } = require('./lib/http');
const { installCleanupHandlers, makeTempDir, removeTempDir, spawnNode, readRss } = require('./lib/processes');
const { ensureBuilt, createAdmin, startTomo, login } = require('./lib/tomo');
const { warmAndMeasure, hadFailures, autocannonVersion } = require('./lib/load');
const { summarize, median } = require('./lib/stats');
const { createSummary } = require('./lib/summary');
const { moduleCost } = require('./lib/module-costs');

/**
 * Packages Tomo loads on first use (kernel's lazyModule), where each is resolved from. The memory
 * table says what each costs and whether start-up loaded it anyway (a regression to look at).
 */
const LAZY_MODULES = [
  { id: '@modelcontextprotocol/sdk/server/streamableHttp.js', label: '@modelcontextprotocol/sdk', from: 'kernel', when: 'first /mcp request' },
  { id: 'prom-client', from: 'kernel', when: 'first /metrics scrape' },
  { id: 'dockerode', from: 'plugins/apps', when: 'first Docker Engine call' },
  { id: 'ssh2', from: 'plugins/servers', when: 'first SSH connection or key check' },
  { id: '@simplewebauthn/server', from: 'plugins/auth', when: 'first passkey ceremony' },
  { id: 'age-encryption', from: 'plugins/backup', when: 'first export or import' },
  { id: 'nodemailer', from: 'plugins/alerts', when: 'first e-mail notification' },
  { id: 'openid-client', from: 'plugins/auth', when: 'first single sign-on' },
  { id: 'otplib', from: 'plugins/auth', when: 'first two-factor code' },
  { id: 'qrcode', from: 'plugins/auth', when: 'first two-factor enrolment' },
  { id: 'yaml', from: 'plugins/apps', when: 'a config file, a catalog file the quick parser gives up on, a Compose file' },
  { id: 'pino-pretty', from: 'kernel', when: 'logging to a terminal' },
];
/** How many of the packages start-up loads get a row of their own. */
const STARTUP_ROWS = 10;
const TRACER = path.join(__dirname, 'lib', 'require-tracer.js');

const envNumber = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
};

const SETTINGS = {
  /** Seconds per measured round, per server. */
  seconds: envNumber('BENCH_SECONDS', 4),
  /** Rounds of (bare, tomo) or (tomo, bare), alternating. */
  rounds: Math.max(1, Math.round(envNumber('BENCH_ROUNDS', 4))),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 2),
  connections: envNumber('BENCH_CONNECTIONS', 50),
  pipelining: 1,
  startupRuns: envNumber('BENCH_STARTUP_RUNS', 7),
  idleWaitMs: 3000,
  pollMs: 10,
  cpuProfDir: process.env.BENCH_CPU_PROF || '',
  tomoNodeArgs: (process.env.BENCH_TOMO_NODE_ARGS || '').split(/\s+/).filter(Boolean),
  jsonOut: process.env.BENCH_JSON || '',
};

// Issue 19's targets. The start-up target is for the warm data dir (what a restart of an installed
// Tomo meets); cold start-up (secrets generated, database created and migrated) is printed beside it.
const TARGETS = { ratio: 0.65, cpuUsPerRequest: 50, idleRssMB: 90, startupMedianMs: 600 };
const ME_PATH = '/api/auth/me';
const MB = 1024 * 1024;

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const num = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
const pad = (s, n) => String(s).padStart(n);

/** Throws (benchmark broken) when a load run saw non-2xx answers, socket errors or timeouts. */
function assertClean(label, phase, r) {
  if (hadFailures(r)) {
    throw new Error(`${label} ${phase}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts out of ${r.total} requests`);
  }
}

function loadLine(label, r) {
  return (
    `  ${label.padEnd(26)}: ${pad(num(r.reqPerSec), 7)} req/s   p50 ${pad(num(r.p50), 3)} ms   p99 ${pad(num(r.p99), 3)} ms   mean ${pad(num(r.avgLatency, 2), 6)} ms   ` +
    `non-2xx ${r.non2xx}   errors ${r.errors + r.timeouts}   (${r.total} requests in ${num(r.seconds, 1)} s; other processes used ${num(r.otherCpuSeconds, 1)} CPU-s)`
  );
}

/** Section 1, baseline: bare Koa in its own process. Returns { url, handle }. */
async function startBareKoa() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}${ME_PATH}`;
  const handle = spawnNode([path.join(__dirname, 'lib', 'bare-koa-server.js'), String(port), ME_PATH], { name: 'bare koa' });
  await waitFor200(url, { intervalMs: SETTINGS.pollMs, exited: handle.exited }).catch(async (err) => {
    err.message += `\n--- bare koa output ---\n${handle.output()}`;
    await handle.stop();
    throw err;
  });
  return { url, handle };
}

/**
 * Sections 1 and 2 on one real `tomo serve`: admin created via the CLI in a fresh data dir,
 * server started, idle RSS read ~3 s after /health, then login. Returns the running server, its
 * idle RSS, the token's headers and the (migrated, admin-holding) data dir for reuse.
 */
async function startMeasuredTomo() {
  const dataDir = makeTempDir('tomo-bench-data-');
  const admin = await createAdmin(dataDir);
  const nodeArgs = [...SETTINGS.tomoNodeArgs, ...(SETTINGS.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(SETTINGS.cpuProfDir)}`] : [])];
  const tomo = await startTomo({ dataDir, nodeArgs, pollMs: SETTINGS.pollMs });
  try {
    await sleep(SETTINGS.idleWaitMs);
    const idle = readRss(tomo.handle.pid);
    const token = await login(tomo.url, admin);
    const url = `${tomo.url}${ME_PATH}`;
    const headers = { authorization: `Bearer ${token}` };
    const probe = await request('GET', url, { headers });
    if (probe.status !== 200 || !probe.json || probe.json.username !== admin.username) {
      throw new Error(`GET ${ME_PATH} with the token did not return the admin: HTTP ${probe.status} ${probe.body}`);
    }
    return { tomo, idle, dataDir, url, headers, meBytes: Buffer.byteLength(probe.body) };
  } catch (err) {
    await tomo.handle.stop();
    throw err;
  }
}

/** Sums the rounds of one side: requests, seconds, CPU; req/s and CPU per request over all of them. */
function pooled(runs) {
  const sum = (key) => runs.reduce((a, r) => a + r[key], 0);
  const total = sum('total');
  const seconds = sum('seconds');
  const serverCpuSeconds = sum('serverCpuSeconds');
  return {
    reqPerSec: total / seconds,
    total,
    seconds,
    serverCpuSeconds,
    cpuUsPerRequest: (serverCpuSeconds * 1e6) / total,
    otherCpuSeconds: sum('otherCpuSeconds'),
    avgLatency: runs.reduce((a, r) => a + r.avgLatency * r.total, 0) / total,
    p50: median(runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
  };
}

/**
 * The throughput comparison: both servers warmed up, then `rounds` rounds, each measuring bare
 * Koa and Tomo one after the other, the order swapped every round (ABBA), so drift in the
 * machine's speed (a shared VM's neighbours, clock changes) hits both sides alike. Only one
 * server is under load at a time. The ratio reported is the median of the rounds' ratios.
 */
async function compareThroughput(bare, tomo) {
  const sides = {
    bare: { url: bare.url, headers: {}, pid: bare.handle.pid, label: 'bare koa' },
    tomo: { url: tomo.url, headers: tomo.headers, pid: tomo.tomo.handle.pid, label: 'tomo' },
  };
  const measure = async (side, warmupSeconds) => {
    const s = sides[side];
    const { warmup, measured } = await warmAndMeasure(
      { url: s.url, headers: s.headers, connections: SETTINGS.connections, pipelining: SETTINGS.pipelining },
      { warmupSeconds, seconds: SETTINGS.seconds, serverPid: s.pid },
    );
    if (warmup) assertClean(s.label, 'warm-up', warmup);
    assertClean(s.label, 'measured run', measured);
    return measured;
  };
  const runs = { bare: [], tomo: [] };
  const ratios = [];
  for (let round = 0; round < SETTINGS.rounds; round++) {
    const order = round % 2 === 0 ? ['bare', 'tomo'] : ['tomo', 'bare'];
    const got = {};
    for (const side of order) got[side] = await measure(side, round === 0 ? SETTINGS.warmupSeconds : 0);
    runs.bare.push(got.bare);
    runs.tomo.push(got.tomo);
    ratios.push(got.tomo.reqPerSec / got.bare.reqPerSec);
  }
  return {
    bare: { ...pooled(runs.bare), rounds: runs.bare.map((r) => r.reqPerSec), rssAfterLoad: readRss(bare.handle.pid) },
    tomo: { ...pooled(runs.tomo), rounds: runs.tomo.map((r) => r.reqPerSec), rssAfterLoad: readRss(tomo.tomo.handle.pid) },
    ratios,
    ratio: median(ratios),
  };
}

/**
 * Section 2, what is in memory: one more `tomo serve` on the same data dir with the require
 * tracer preloaded (bench/lib/require-tracer.js), asked for its table once /health answers:
 * every package start-up loaded. Then the packages of the biggest share, and every lazily
 * loaded one, measured alone (bench/lib/module-costs.js).
 */
async function measureModules(dataDir) {
  const traceFile = path.join(makeTempDir('tomo-bench-trace-'), 'trace.json');
  const tomo = await startTomo({ dataDir, nodeArgs: [...SETTINGS.tomoNodeArgs, '--require', TRACER], env: { TOMO_REQUIRE_TRACE_OUT: traceFile }, pollMs: SETTINGS.pollMs });
  try {
    process.kill(tomo.handle.pid, 'SIGUSR2');
    for (let i = 0; i < 200 && !fs.existsSync(traceFile); i++) await sleep(10);
  } finally {
    await tomo.handle.stop();
  }
  if (!fs.existsSync(traceFile)) throw new Error('the traced tomo serve wrote no module table');
  const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8'));
  const loadedAtStart = new Set(trace.packages.map((p) => p.name));
  const packageOf = (id) => (id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);
  const biggest = trace.packages
    .filter((p) => !p.nested)
    .sort((a, b) => b.heapBytes - a.heapBytes)
    .slice(0, STARTUP_ROWS)
    .map((p) => ({ ...moduleCost(p.name, p.by.startsWith('/') ? path.dirname(p.by) : path.join(__dirname, '..')), label: p.name, when: 'start-up' }));
  const lazy = LAZY_MODULES.map((m) => ({
    ...moduleCost(m.id, m.from),
    label: m.label || m.id,
    when: m.when,
    atStart: loadedAtStart.has(packageOf(m.id)),
  }));
  return { startupPackages: trace.packages.length, biggest, lazy };
}

function moduleLine(m) {
  if (m.error) return `  ${m.label.padEnd(28)} (not measured: ${m.error})`;
  return `  ${m.label.padEnd(28)} RSS ${pad(num(m.rss / MB, 1), 5)} MB   heap ${pad(num(m.heap / MB, 1), 5)} MB   external ${pad(num(m.external / MB, 1), 5)} MB   ${pad(num(m.ms), 4)} ms`;
}

/**
 * Section 3: spawn -> /health 200, `runs` times each for cold (a fresh empty data dir per run)
 * and warm (`warmDir`, already migrated). The two series are interleaved (cold, warm, cold...)
 * so a change in machine load during the benchmark affects both alike.
 */
async function measureStartup(runs, warmDir) {
  const cold = [];
  const warm = [];
  const once = async (dataDir, into) => {
    const tomo = await startTomo({ dataDir, nodeArgs: SETTINGS.tomoNodeArgs, pollMs: SETTINGS.pollMs });
    into.push(tomo.spawnToHealthMs);
    await tomo.handle.stop();
  };
  for (let i = 0; i < runs; i++) {
    const fresh = makeTempDir('tomo-bench-cold-');
    await once(fresh, cold);
    removeTempDir(fresh);
    await once(warmDir, warm);
  }
  return { cold: { times: cold, ...summarize(cold) }, warm: { times: warm, ...summarize(warm) } };
}

async function main() {
  installCleanupHandlers();
  const started = Date.now();
  const facts = machineFacts();
  console.log(`=== Tomo foundation benchmark (${new Date().toISOString()}) ===`);
  for (const line of machineLines(facts)) console.log(line);
  console.log(
    `Load      : autocannon ${autocannonVersion}, ${SETTINGS.connections} connections, pipelining ${SETTINGS.pipelining}, ` +
      `${SETTINGS.warmupSeconds} s warm-up per server, then ${SETTINGS.rounds} rounds of ${SETTINGS.seconds} s per server, alternating (BENCH_ROUNDS / BENCH_SECONDS / BENCH_WARMUP_SECONDS)`,
  );
  console.log('Note      : load generator, server and this script share the same cores on loopback; compare ratios, not absolutes.');
  if (SETTINGS.tomoNodeArgs.length) console.log(`WARNING   : tomo serve runs with extra node args: ${SETTINGS.tomoNodeArgs.join(' ')} (BENCH_TOMO_NODE_ARGS)`);
  if (SETTINGS.cpuProfDir) console.log(`WARNING   : CPU profiling the throughput tomo serve into ${SETTINGS.cpuProfDir} (BENCH_CPU_PROF); its req/s is lowered`);
  ensureBuilt();

  // 1. Throughput: both servers up, measured in alternating rounds (one under load at a time).
  console.log(`\n[1] Throughput: authenticated GET ${ME_PATH} on tomo serve vs a bare Koa GET route`);
  const measuredTomo = await startMeasuredTomo();
  let bareServer;
  let compared;
  try {
    bareServer = await startBareKoa();
    compared = await compareThroughput(bareServer, measuredTomo);
  } finally {
    if (bareServer) await bareServer.handle.stop();
    const exit = await measuredTomo.tomo.handle.stop();
    if (exit.signal === 'SIGKILL') process.stderr.write('bench: tomo serve did not stop on SIGTERM within 10 s; killed\n');
  }
  const bare = compared.bare;
  const tomo = { load: compared.tomo, idle: measuredTomo.idle, dataDir: measuredTomo.dataDir, meBytes: measuredTomo.meBytes };
  console.log(loadLine('bare Koa (1 route)', bare));
  console.log(loadLine(`tomo ${ME_PATH} (Bearer)`, tomo.load));
  console.log(`  req/s per round           : bare ${bare.rounds.map((n) => num(n)).join(', ')}; tomo ${tomo.load.rounds.map((n) => num(n)).join(', ')}`);
  const ratio = compared.ratio;
  const noisy = [bare, tomo.load].some((r) => r.otherCpuSeconds > 0.1 * r.seconds);
  const ratioOk = ratio >= TARGETS.ratio;
  console.log(
    `  ratio tomo/bare           : ${num(ratio, 2)}  (median of the rounds: ${compared.ratios.map((r) => num(r, 2)).join(', ')}; pooled ${num(tomo.load.reqPerSec / bare.reqPerSec, 2)})  (target >= ${TARGETS.ratio})  ${verdict(ratioOk)}`,
  );
  if (noisy) console.log('  WARNING                   : other processes used > 0.1 core during a measured run; req/s figures are disturbed, prefer the CPU-per-request line');
  console.log(
    `  server CPU per request    : tomo ${num(tomo.load.cpuUsPerRequest)} us, bare ${num(bare.cpuUsPerRequest)} us ` +
      `(${num(tomo.load.cpuUsPerRequest / bare.cpuUsPerRequest, 1)}x; tomo used ${num(tomo.load.serverCpuSeconds, 1)} CPU-s, ` +
      `bare ${num(bare.serverCpuSeconds, 1)} CPU-s in ${num(bare.seconds, 0)} s each)  ` +
      `(target tomo <= ${TARGETS.cpuUsPerRequest} us)  ${verdict(tomo.load.cpuUsPerRequest <= TARGETS.cpuUsPerRequest)}`,
  );
  console.log(
    `  mean latency tomo/bare    : ${num(tomo.load.avgLatency / bare.avgLatency, 1)}x   (autocannon latencies are whole ms; body ${tomo.meBytes} bytes, bare body has the same shape)`,
  );

  // 2. Idle RSS (read in startMeasuredTomo before any login or load).
  const idleMB = tomo.idle.rss / MB;
  const rssOk = idleMB <= TARGETS.idleRssMB;
  console.log(`\n[2] Memory: tomo serve RSS ${SETTINGS.idleWaitMs / 1000} s after /health answered (before any request)`);
  console.log(`  idle RSS                  : ${num(idleMB, 1)} MB  (target <= ${TARGETS.idleRssMB} MB)  ${verdict(rssOk)}`);
  console.log(
    `  for reference             : tomo after load ${num(tomo.load.rssAfterLoad.rss / MB, 1)} MB (peak ${num(tomo.load.rssAfterLoad.hwm / MB, 1)} MB); ` +
      `bare Koa after load ${num(bare.rssAfterLoad.rss / MB, 1)} MB`,
  );

  const modules = await measureModules(tomo.dataDir);
  console.log(`  module -> RSS / heap delta when loaded (each alone in a fresh node; heap: live after a full GC, before vs after; RSS: an upper bound):`);
  console.log(`  loaded at start-up (${modules.startupPackages} packages; the ${STARTUP_ROWS} biggest by heap):`);
  for (const m of modules.biggest) console.log(moduleLine(m));
  console.log('  loaded on first use (lazyModule), not at start-up:');
  for (const m of modules.lazy) console.log(`${moduleLine(m)}   ${m.atStart ? 'LOADED AT START-UP' : 'not at start-up'}: ${m.when}`);
  const lazyHeap = modules.lazy.filter((m) => !m.error && !m.atStart).reduce((sum, m) => sum + m.heap, 0);
  console.log(`  heap kept out of start-up by lazy loading (sum of the rows above not loaded at start-up): ${num(lazyHeap / MB, 1)} MB`);

  // 3. Startup.
  const runs = SETTINGS.startupRuns;
  console.log(`\n[3] Startup: spawn -> first 200 from /health (polled every ${SETTINGS.pollMs} ms), N=${runs} each, cold and warm interleaved`);
  const { cold, warm } = await measureStartup(runs, tomo.dataDir);
  const startupLine = (label, s, hasTarget) => {
    const ok = s.median <= TARGETS.startupMedianMs;
    console.log(
      `  ${label.padEnd(26)}: median ${pad(num(s.median), 5)} ms   min ${pad(num(s.min), 5)}   max ${pad(num(s.max), 5)}  ` +
        (hasTarget ? `(target median <= ${TARGETS.startupMedianMs} ms)  ${verdict(ok)}` : '(no target: first start only)'),
    );
    console.log(`  ${''.padEnd(26)}  runs: ${s.times.map((t) => num(t)).join(', ')} ms`);
    return ok;
  };
  const coldOk = startupLine('cold (empty data dir)', cold, false);
  const warmOk = startupLine('warm (existing data dir)', warm, true);

  const summary = createSummary('foundation');
  summary.check('ratio_tomo_bare', ratio, '>=', TARGETS.ratio, { digits: 2 });
  summary.check('cpu_per_request', tomo.load.cpuUsPerRequest, '<=', TARGETS.cpuUsPerRequest, { unit: 'us', digits: 0 });
  summary.check('idle_rss', idleMB, '<=', TARGETS.idleRssMB, { unit: 'MB', digits: 1 });
  summary.check('startup_warm_median', warm.median, '<=', TARGETS.startupMedianMs, { unit: 'ms', digits: 0 });
  summary.note('startup_cold_median', cold.median, { unit: 'ms', digits: 0 });
  summary.note('lazy_heap_saved', lazyHeap / MB, { unit: 'MB', digits: 1 });
  summary.note('tomo_req_s', tomo.load.reqPerSec, { digits: 0 });
  summary.note('bare_req_s', bare.reqPerSec, { digits: 0 });
  summary.print();

  if (SETTINGS.jsonOut) {
    fs.writeFileSync(
      SETTINGS.jsonOut,
      `${JSON.stringify(
        {
          benchmark: 'foundation',
          at: new Date(started).toISOString(),
          machine: facts,
          settings: SETTINGS,
          targets: TARGETS,
          throughput: { bare, tomo: tomo.load, ratios: compared.ratios, ratio, pass: ratioOk },
          idleRss: { bytes: tomo.idle.rss, mb: idleMB, pass: rssOk },
          modules,
          startup: { cold: { ...cold, pass: coldOk }, warm: { ...warm, pass: warmOk } },
        },
        null,
        2,
      )}\n`,
    );
    console.log(`(results written to ${SETTINGS.jsonOut})`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`\nBENCHMARK BROKEN: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
