'use strict';
// HTTP load generation with autocannon (programmatic), summarised to the figures we report.
const autocannon = require('autocannon');
const { readCpuSeconds, ownCpuSeconds, otherProcessesCpu, otherCpuDelta } = require('./processes');

/**
 * One autocannon run. Returns
 *   { reqPerSec, p50, p99, avgLatency, total, ok2xx, non2xx, errors, timeouts, seconds, raw }
 * where reqPerSec is autocannon's mean of its per-second samples and latencies are in ms.
 */
async function runLoad({ url, headers = {}, connections = 50, pipelining = 1, seconds = 8, method = 'GET' }) {
  const raw = await autocannon({ url, method, headers, connections, pipelining, duration: seconds });
  return {
    reqPerSec: raw.requests.average,
    p50: raw.latency.p50,
    p99: raw.latency.p99,
    avgLatency: raw.latency.average,
    total: raw.requests.total,
    ok2xx: raw['2xx'],
    non2xx: raw.non2xx,
    errors: raw.errors,
    timeouts: raw.timeouts,
    seconds: raw.duration,
    raw,
  };
}

/**
 * Warm-up run (result discarded except for sanity counts) followed by the measured run.
 * With `serverPid`, also reports the server's CPU time during the measured run:
 * measured.serverCpuSeconds and measured.cpuUsPerRequest (microseconds of server CPU per request).
 * Always reports measured.loadGenCpuSeconds (this process: autocannon) and measured.otherCpuSeconds
 * (CPU other processes used meanwhile; well above ~0.1 s per second means a noisy run).
 */
async function warmAndMeasure(opts, { warmupSeconds = 2, seconds = 8, serverPid } = {}) {
  const warmup = warmupSeconds > 0 ? await runLoad({ ...opts, seconds: warmupSeconds }) : undefined;
  const cpu0 = serverPid ? readCpuSeconds(serverPid) : 0;
  const own0 = ownCpuSeconds();
  const others0 = otherProcessesCpu(serverPid ? [serverPid] : []);
  const measured = await runLoad({ ...opts, seconds });
  if (serverPid) {
    measured.serverCpuSeconds = readCpuSeconds(serverPid) - cpu0;
    measured.cpuUsPerRequest = (measured.serverCpuSeconds * 1e6) / measured.total;
  }
  measured.loadGenCpuSeconds = ownCpuSeconds() - own0;
  // Everything else the machine did meanwhile (other users' builds/tests): a noise indicator.
  measured.otherCpuSeconds = otherCpuDelta(others0, otherProcessesCpu(serverPid ? [serverPid] : []));
  return { warmup, measured };
}

/** True when a run had any non-2xx answer, socket error or timeout. */
const hadFailures = (r) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0;

module.exports = { runLoad, warmAndMeasure, hadFailures, autocannonVersion: require('autocannon/package.json').version };
