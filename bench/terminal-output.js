'use strict';
// Terminal output burst benchmark (issue 22, acceptance 4), on a real `tomo serve` and the test
// bed's sshd: a server terminal runs `head -c 10M /dev/urandom | base64` (about 14 MB of output)
// and everything is read back:
//   1. through a real WebSocket client (`ws`, bearer token): Tomo's RSS growth during the burst
//      (sampled every 20 ms; target < 50 MB) and the throughput;
//   2. in headless Chromium, in the console's Terminal tab (xterm.js): the same burst while a
//      timer probe on the page's main thread records how late each 50 ms tick fires (the page
//      stays responsive: target max lag < 500 ms; p95 reported), and Tomo's RSS growth again.
// Needs: `npm run build` and the test bed (`bash scripts/testbed.sh`).
// Usage: node bench/terminal-output.js
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when the benchmark broke.
const WsClient = require('ws');
const { request, sleep } = require('./lib/http');
const { machineFacts, machineLines } = require('./lib/machine');
const { installCleanupHandlers, makeTempDir, readRss } = require('./lib/processes');
const { percentile } = require('./lib/stats');
const { createAdmin, ensureBuilt, login, startTomo } = require('./lib/tomo');
const { createSummary } = require('./lib/summary');
const { loadTestbed } = require('../scripts/testbed/testbed.js');
const { launchChromium } = require('../scripts/testbed/chromium.js');

const TARGET_RSS_GROWTH_MB = 50;
const TARGET_MAX_LAG_MS = 500;
const BURST = 'head -c 10M /dev/urandom | base64';
// The marker's digits are computed by the shell, so the echoed command line never matches it.
const DONE = 'burst-done-42';
const COMMAND = `${BURST}; echo "burst-done-$((6*7))"\r`;
const MB = 1024 * 1024;
const mb = (bytes) => bytes / MB;

async function api(url, token, method, path, body) {
  const res = await request(method, `${url}${path}`, { headers: { authorization: `Bearer ${token}` }, body, timeoutMs: 30000 });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.body}`);
  return res.json;
}

/** Samples a process's RSS every `everyMs` until stopped: { stop() → { baseline, peak } }. */
function rssSampler(pid, everyMs = 20) {
  const baseline = readRss(pid).rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, readRss(pid).rss);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, readRss(pid).rss);
      return { baseline, peak, growth: peak - baseline };
    },
  };
}

/** Phase 1: the burst through a WebSocket client. */
async function throughWebSocket(tomo, token, serverId) {
  const { terminal } = await api(tomo.url, token, 'POST', '/api/terminals', { serverId });
  const ws = new WsClient(`${tomo.url.replace(/^http/, 'ws')}${terminal.socketPath}?cols=120&rows=40`, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  let tail = '';
  let ready = false;
  let onData = () => {};
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      bytes += data.length;
      tail = (tail + data.toString('latin1')).slice(-200);
    } else if (JSON.parse(String(data)).type === 'ready') {
      ready = true;
    }
    onData();
  });
  /** Resolves when `check()` holds after a message (or at once). */
  const until = (check, what, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} not seen within ${timeoutMs} ms`)), timeoutMs);
      onData = () => {
        if (!check()) return;
        clearTimeout(timer);
        onData = () => {};
        resolve();
      };
      onData();
    });
  ws.once('error', (err) => console.error(`socket error: ${err.message}`));
  await until(() => ready, 'the ready message', 20000);
  // Let the login banner and the prompt arrive, then measure from a quiet Tomo.
  ws.send(Buffer.from('echo "warm-$((1+1))"\r'));
  await until(() => tail.includes('warm-2'), 'the warm-up echo', 10000);
  await sleep(500);
  const rss = rssSampler(tomo.handle.pid);
  const start = performance.now();
  bytes = 0;
  ws.send(Buffer.from(COMMAND));
  await until(() => tail.includes(DONE), 'the end of the burst', 120000);
  const seconds = (performance.now() - start) / 1000;
  const memory = rss.stop();
  ws.close();
  await api(tomo.url, token, 'DELETE', `/api/terminals/${terminal.id}`).catch(() => undefined);
  return { bytes, seconds, memory };
}

/** Phase 2: the burst in the console's Terminal tab, with a main-thread lag probe on the page. */
async function inChromium(tomo, admin, serverId) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${tomo.url}/servers/${serverId}?tab=terminal`);
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid="terminal"][data-state="open"]').waitFor({ timeout: 30000 });
    const textarea = page.locator('.xterm-helper-textarea');
    await textarea.focus();
    await page.keyboard.type('echo "warm-$((1+1))"');
    await page.keyboard.press('Enter');
    await page.locator('.xterm-rows').getByText('warm-2').waitFor({ timeout: 10000 });
    await sleep(500);

    // The probe: a 50 ms timer on the page's main thread; each tick records how late it fired.
    await page.evaluate(() => {
      const state = { lags: [], last: performance.now() };
      globalThis.__lagProbe = state;
      state.timer = setInterval(() => {
        const now = performance.now();
        state.lags.push(Math.max(0, now - state.last - 50));
        state.last = now;
      }, 50);
    });
    const rss = rssSampler(tomo.handle.pid);
    const start = performance.now();
    await page.keyboard.type(COMMAND.slice(0, -1));
    await page.keyboard.press('Enter');
    await page.locator('.xterm-rows').getByText(DONE).waitFor({ timeout: 180000 });
    const seconds = (performance.now() - start) / 1000;
    const memory = rss.stop();
    const lags = await page.evaluate(() => {
      clearInterval(globalThis.__lagProbe.timer);
      return globalThis.__lagProbe.lags;
    });
    return { seconds, memory, lags };
  } finally {
    await browser.close();
  }
}

async function main() {
  installCleanupHandlers();
  ensureBuilt();
  const testbed = loadTestbed();
  console.log(`Terminal output burst: \`${BURST}\` in a server terminal on the test bed, through a real tomo serve`);
  for (const line of machineLines(machineFacts())) console.log(line);

  const dataDir = makeTempDir('tomo-bench-terminal-');
  const admin = await createAdmin(dataDir);
  const tomo = await startTomo({ dataDir });
  const token = await login(tomo.url, admin);
  const { ssh } = testbed;
  const server = await api(tomo.url, token, 'POST', '/api/servers', { name: 'bench', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
  try {
    const ws = await throughWebSocket(tomo, token, server.id);
    const rate = ws.bytes / ws.seconds;
    console.log(`\n1. WebSocket client: ${mb(ws.bytes).toFixed(1)} MB of output in ${ws.seconds.toFixed(2)} s = ${mb(rate).toFixed(1)} MB/s`);
    console.log(`   Tomo RSS: ${mb(ws.memory.baseline).toFixed(1)} MB before, peak ${mb(ws.memory.peak).toFixed(1)} MB, growth ${mb(ws.memory.growth).toFixed(1)} MB (target < ${TARGET_RSS_GROWTH_MB} MB)`);

    const ui = await inChromium(tomo, admin, server.id);
    const maxLag = ui.lags.length ? Math.max(...ui.lags) : NaN;
    const p95Lag = ui.lags.length ? percentile(ui.lags, 95) : NaN;
    console.log(`\n2. Chromium, the console's Terminal tab (xterm.js): the burst shown to its end in ${ui.seconds.toFixed(2)} s`);
    console.log(`   main-thread lag of a 50 ms timer during it: p95 ${p95Lag.toFixed(0)} ms, max ${maxLag.toFixed(0)} ms over ${ui.lags.length} ticks (target max < ${TARGET_MAX_LAG_MS} ms)`);
    console.log(`   Tomo RSS growth meanwhile: ${mb(ui.memory.growth).toFixed(1)} MB (target < ${TARGET_RSS_GROWTH_MB} MB)`);

    const summary = createSummary('terminal-output');
    summary.check('rssGrowthMB', mb(ws.memory.growth), '<', TARGET_RSS_GROWTH_MB, { digits: 1 });
    summary.check('browserRssGrowthMB', mb(ui.memory.growth), '<', TARGET_RSS_GROWTH_MB, { digits: 1 });
    summary.check('browserMaxLag', maxLag, '<', TARGET_MAX_LAG_MS, { unit: 'ms', digits: 0 });
    summary.note('browserP95Lag', p95Lag, { unit: 'ms', digits: 0 });
    summary.note('throughput', mb(rate), { unit: 'MB/s', digits: 1 });
    summary.note('outputMB', mb(ws.bytes), { digits: 1 });
    summary.note('browserSeconds', ui.seconds, { unit: 's', digits: 1 });
    summary.print();
  } finally {
    await tomo.handle.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
