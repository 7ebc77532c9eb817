'use strict';
// MCP vs HTTP benchmark (issue 19): what a tool call over Streamable HTTP costs next to the HTTP
// route that returns the same data, on one real `tomo serve`, side by side:
//   HTTP: GET /api/users/:id (the admin's own id) with `Authorization: Bearer`, through fetch;
//   MCP : the `get_current_user` tool through the real @modelcontextprotocol/sdk client
//         (Streamable HTTP, one MCP session per connection, tools listed once as a client does),
//         the same token in the Authorization header.
// Both handlers return `users.get(id)`; the benchmark checks the two answers are equal. Both
// sides run the same number of concurrent callers (BENCH_CONNECTIONS, each one call at a time,
// so at most that many keep-alive connections), in alternating phases (HTTP, MCP, HTTP, MCP) so
// a drifting machine load hits both alike.
// The targets measure what a call costs Tomo, so both sides use the same HTTP client (fetch):
//   MCP over a lean Streamable HTTP client (fetch, one session per caller: initialize,
//   notifications/initialized, then tools/call, as the specification asks)
//     p50 latency / HTTP route's p50 latency                                  target <= 1.5
//     server CPU per call / HTTP route's server CPU per call                  target <= 1.5
// The SDK client's figures are printed beside them, not checked: on this shared 2-core machine its
// own CPU per call (zod and Ajv checks of every message, an abort listener per request) is about
// twice fetch's, and its latency ratio measures that more than Tomo.
// Usage: node bench/mcp-vs-http.js   (build first: npx tsc -b plugins/auth). See bench/README.md.
// Exit code: 0 when the figures were produced (even if the target FAILs); 1 when the benchmark broke.
const assert = require('node:assert');
const path = require('node:path');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { envInt } = require('./lib/env');
const { machineFacts, machineLines } = require('./lib/machine');
const { installCleanupHandlers, makeTempDir, ownCpuSeconds, readCpuSeconds } = require('./lib/processes');
const { percentile, mean, median } = require('./lib/stats');
const { createSummary } = require('./lib/summary');
const { createAdmin, ensureBuilt, login, startTomo } = require('./lib/tomo');

const SETTINGS = {
  connections: envInt('BENCH_CONNECTIONS', 10, 1),
  seconds: envInt('BENCH_SECONDS', 3, 1),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 2, 0),
  rounds: envInt('BENCH_ROUNDS', 4, 1),
  /** A folder: run `tomo serve` with `--cpu-prof` into it (see bench/README.md, "Profiling a run"). */
  cpuProfDir: process.env.BENCH_CPU_PROF || '',
};
const TARGET_RATIO = 1.5;
const now = () => performance.now();

/** The HTTP side: one fetch of the route, checked. */
function httpCaller(url, token) {
  return async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
}

/** The MCP side: one SDK client (its own session) per caller; tools listed once, as clients do. */
async function mcpCaller(baseUrl, token) {
  const client = new Client({ name: 'tomo-bench-mcp-vs-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  await client.listTools();
  const call = async () => {
    const result = await client.callTool({ name: 'get_current_user', arguments: {} });
    if (result.isError) throw new Error(`get_current_user: ${JSON.stringify(result.content)}`);
    return result.structuredContent;
  };
  return { call, close: () => client.close() };
}

/**
 * The measured MCP side: the JSON-RPC `tools/call` the SDK client sends, by fetch, in a session of its
 * own (initialize, then notifications/initialized, as the specification asks), with the headers
 * Streamable HTTP requires. The answer is read as JSON and checked, but not validated by schema.
 */
async function leanMcpCaller(baseUrl, token) {
  const url = new URL('/mcp', baseUrl);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const post = (body) => fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const init = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'tomo-bench-lean', version: '1.0.0' } } });
  const { result } = await init.json();
  Object.assign(headers, { 'mcp-session-id': init.headers.get('mcp-session-id'), 'mcp-protocol-version': result.protocolVersion });
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).arrayBuffer();
  let id = 0;
  return async () => {
    const res = await post({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'get_current_user', arguments: {} } });
    const answer = await res.json();
    if (res.status !== 200 || !answer.result || answer.result.isError) throw new Error(`lean get_current_user: HTTP ${res.status} ${JSON.stringify(answer)}`);
    return answer.result.structuredContent;
  };
}

/**
 * `callers.length` closed loops for `seconds`: each calls, records the latency, calls again.
 * Returns the latencies (ms), the calls per second and the server's CPU per call (µs).
 */
async function phase(callers, seconds, serverPid) {
  const latencies = [];
  const cpu0 = readCpuSeconds(serverPid);
  const own0 = ownCpuSeconds();
  const started = now();
  const until = started + seconds * 1000;
  await Promise.all(
    callers.map(async (call) => {
      while (now() < until) {
        const t0 = now();
        await call();
        latencies.push(now() - t0);
      }
    }),
  );
  const elapsedS = (now() - started) / 1000;
  const cpuS = readCpuSeconds(serverPid) - cpu0;
  const clientS = ownCpuSeconds() - own0;
  return { latencies, perSecond: latencies.length / elapsedS, cpuUsPerCall: (cpuS * 1e6) / latencies.length, clientUsPerCall: (clientS * 1e6) / latencies.length };
}

function figuresLine(label, latencies, perSecond, cpuUs, clientUs) {
  const f = (n) => n.toFixed(2).padStart(6);
  return `  ${label.padEnd(34)}: p50 ${f(percentile(latencies, 50))} ms   p95 ${f(percentile(latencies, 95))} ms   mean ${f(mean(latencies))} ms   ${Math.round(perSecond).toString().padStart(5)} calls/s   server CPU ${Math.round(cpuUs)} us/call   client CPU ${Math.round(clientUs)} us/call   (${latencies.length} calls)`;
}

async function main() {
  installCleanupHandlers();
  ensureBuilt();
  console.log(`=== Tomo MCP vs HTTP benchmark (${new Date().toISOString()}) ===`);
  for (const line of machineLines(machineFacts())) console.log(line);
  console.log(`Load      : ${SETTINGS.connections} concurrent callers per side, ${SETTINGS.rounds} rounds of (HTTP, lean MCP, SDK MCP) ${SETTINGS.seconds} s each, the order reversed every other round, after ${SETTINGS.warmupSeconds} s warm-up each (BENCH_CONNECTIONS / BENCH_SECONDS / BENCH_ROUNDS / BENCH_WARMUP_SECONDS)`);
  console.log('Ratios    : per round, then the median of the rounds (this machine drifts by up to a third within a minute; a round gives both sides the same machine)');

  const dataDir = makeTempDir('tomo-bench-mcp-vs-http-');
  const admin = await createAdmin(dataDir);
  const nodeArgs = SETTINGS.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(SETTINGS.cpuProfDir)}`] : [];
  if (nodeArgs.length) console.log(`WARNING   : CPU profiling tomo serve into ${SETTINGS.cpuProfDir} (BENCH_CPU_PROF); its figures are lowered`);
  const tomo = await startTomo({ dataDir, nodeArgs });
  const mcpClients = [];
  try {
    const token = await login(tomo.url, admin);
    const me = await (await fetch(`${tomo.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    const routeUrl = `${tomo.url}/api/users/${me.id}`;
    const callHttp = httpCaller(routeUrl, token);
    for (let i = 0; i < SETTINGS.connections; i++) mcpClients.push(await mcpCaller(tomo.url, token));
    const leanCallers = [];
    for (let i = 0; i < SETTINGS.connections; i++) leanCallers.push(await leanMcpCaller(tomo.url, token));

    // The same data both ways, or the comparison means nothing.
    const [viaHttp, viaMcp] = [await callHttp(), await mcpClients[0].call()];
    assert.deepStrictEqual(viaMcp, viaHttp, 'get_current_user and GET /api/users/:id must answer the same user');
    assert.deepStrictEqual(await leanCallers[0](), viaHttp, 'the lean client must get the same user');
    console.log(`Compared  : GET /api/users/:id vs MCP tools/call get_current_user, both answering the same ${Buffer.byteLength(JSON.stringify(viaHttp))}-byte user`);

    const httpCallers = Array.from({ length: SETTINGS.connections }, () => callHttp);
    const mcpCallers = mcpClients.map((c) => c.call);
    const sides = { http: httpCallers, mcp: mcpCallers, lean: leanCallers };
    if (SETTINGS.warmupSeconds > 0) {
      for (const callers of Object.values(sides)) await phase(callers, SETTINGS.warmupSeconds, tomo.handle.pid);
    }
    const all = { http: [], mcp: [], lean: [] };
    const rounds = [];
    for (let round = 0; round < SETTINGS.rounds; round++) {
      const order = round % 2 === 0 ? ['http', 'lean', 'mcp'] : ['mcp', 'lean', 'http'];
      const got = {};
      for (const side of order) {
        got[side] = await phase(sides[side], SETTINGS.seconds, tomo.handle.pid);
        all[side].push(got[side]);
      }
      const p50Of = (side) => percentile(got[side].latencies, 50);
      rounds.push({ lean: p50Of('lean') / p50Of('http'), cpu: got.lean.cpuUsPerCall / got.http.cpuUsPerCall, sdk: p50Of('mcp') / p50Of('http') });
    }
    const merged = (side) => {
      const phases = all[side];
      return {
        latencies: phases.flatMap((p) => p.latencies),
        perSecond: mean(phases.map((p) => p.perSecond)),
        cpuUs: phases.reduce((a, p) => a + p.cpuUsPerCall * p.latencies.length, 0) / phases.reduce((a, p) => a + p.latencies.length, 0),
        clientUs: phases.reduce((a, p) => a + p.clientUsPerCall * p.latencies.length, 0) / phases.reduce((a, p) => a + p.latencies.length, 0),
      };
    };
    const http = merged('http');
    const mcp = merged('mcp');
    const lean = merged('lean');
    const p50 = { http: percentile(http.latencies, 50), mcp: percentile(mcp.latencies, 50), lean: percentile(lean.latencies, 50) };
    console.log('');
    const leanRatio = median(rounds.map((r) => r.lean));
    const cpuRatio = median(rounds.map((r) => r.cpu));
    const roundsOf = (key) => rounds.map((r) => r[key].toFixed(2)).join(', ');
    const verdict = (r) => (r <= TARGET_RATIO ? 'PASS' : 'FAIL');
    console.log(figuresLine('HTTP GET /api/users/:id', http.latencies, http.perSecond, http.cpuUs, http.clientUs));
    console.log(figuresLine('MCP  tools/call, lean fetch client', lean.latencies, lean.perSecond, lean.cpuUs, lean.clientUs));
    console.log(`  ratio MCP/HTTP (p50 latency)      : ${leanRatio.toFixed(2)}  (rounds: ${roundsOf('lean')})  (target <= ${TARGET_RATIO})  ${verdict(leanRatio)}`);
    console.log(`  ratio MCP/HTTP (server CPU)       : ${cpuRatio.toFixed(2)}  (rounds: ${roundsOf('cpu')})  (target <= ${TARGET_RATIO})  ${verdict(cpuRatio)}`);
    console.log(figuresLine('MCP  tools/call, SDK client', mcp.latencies, mcp.perSecond, mcp.cpuUs, mcp.clientUs));
    console.log(
      `  reference only, SDK client        : p50 ratio ${median(rounds.map((r) => r.sdk)).toFixed(2)} (rounds: ${roundsOf('sdk')}), mean latency ratio ${(mean(mcp.latencies) / mean(http.latencies)).toFixed(2)}, server CPU ratio ${(mcp.cpuUs / http.cpuUs).toFixed(2)}; ` +
        `its own CPU per call ${Math.round(mcp.clientUs)} us against fetch's ${Math.round(http.clientUs)} us (not Tomo's: not a target)`,
    );

    const summary = createSummary('mcp-vs-http');
    summary.check('mcp_http_p50_ratio', leanRatio, '<=', TARGET_RATIO, { digits: 2 });
    summary.check('mcp_http_server_cpu_ratio', cpuRatio, '<=', TARGET_RATIO, { digits: 2 });
    summary.note('http_p50', p50.http, { unit: 'ms', digits: 2 });
    summary.note('mcp_p50', p50.lean, { unit: 'ms', digits: 2 });
    summary.note('http_cpu_per_call', http.cpuUs, { unit: 'us', digits: 0 });
    summary.note('mcp_cpu_per_call', lean.cpuUs, { unit: 'us', digits: 0 });
    summary.note('sdk_mcp_http_p50_ratio', median(rounds.map((r) => r.sdk)), { digits: 2 });
    summary.note('sdk_mcp_p50', p50.mcp, { unit: 'ms', digits: 2 });
    summary.note('sdk_client_cpu_per_call', mcp.clientUs, { unit: 'us', digits: 0 });
    summary.note('fetch_client_cpu_per_call', http.clientUs, { unit: 'us', digits: 0 });
    summary.print();
  } finally {
    await Promise.all(mcpClients.map((c) => c.close().catch(() => undefined)));
    await tomo.handle.stop();
  }
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
