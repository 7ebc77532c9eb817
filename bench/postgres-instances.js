#!/usr/bin/env node
'use strict';
// Several instances on PostgreSQL (issue 24, acceptance 4): 1,000 servers polled every 30 s by
// two `tomo serve` on one PostgreSQL database (the leader polls, the other serves), with the
// history a fleet that size keeps: CPU of each instance while the timed requests run, the
// dashboard summary's p95 and a server's history p95, the requests going to each instance in turn.
//                                  targets: summary p95 <= 100 ms, history p95 <= 200 ms
// It is bench/monitoring-history.js's run (the same generator: real migrations, the built rollup
// job and retention over the days; every server record pointing at one sshd of this machine,
// bench/lib/debug-sshd.js, needs root) with BENCH_DATABASE_URL set and two instances.
// Usage: node bench/postgres-instances.js
// Settings: BENCH_DATABASE_URL (default: the test bed's PostgreSQL, scripts/testbed.sh),
//           BENCH_PG_SERVERS (1000), BENCH_PG_DAYS (2: the history query reads 30 days, which
//           has 2 of data), BENCH_QUERY_RUNS (50).
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when it broke.
const { envInt } = require('./lib/env');
const { machineLines } = require('./lib/machine');
const { createSummary } = require('./lib/summary');

const TARGETS = { summaryMs: 100, historyMs: 200 };
const ms = (n) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

async function main() {
  if (!process.env.BENCH_DATABASE_URL) {
    const { loadTestbed } = require('../scripts/testbed/testbed.js');
    process.env.BENCH_DATABASE_URL = loadTestbed().postgres.url;
  }
  const servers = envInt('BENCH_PG_SERVERS', 1000, 2);
  const days = envInt('BENCH_PG_DAYS', 2, 1);
  for (const line of machineLines()) console.log(line);
  const { run } = require('./monitoring-history');
  const f = await run({ servers, days, instances: 2, polling: true, quiet: true });
  const history = f.history['30d'];
  console.log(`\n${f.servers} servers x ${f.days} days on PostgreSQL (${(f.samplesWritten / 1e6).toFixed(2)} M samples generated in ${f.generationSeconds.toFixed(0)} s; database ${(f.database.totalBytes / 1048576).toFixed(1)} MiB)`);
  console.log(`Two instances, every server polled every 30 s (${f.polls} SSH channels opened by the end), requests to each in turn over ${f.instances.measuredSeconds.toFixed(0)} s:`);
  f.instances.cpuPercent.forEach((cpu, i) => console.log(`   instance ${i + 1} CPU ${cpu.toFixed(1)} % of one core`));
  console.log(`   dashboard summary  p50 ${ms(f.summary.p50)}   p95 ${ms(f.summary.p95)} (target <= ${TARGETS.summaryMs} ms, ${(f.summary.p95 / TARGETS.summaryMs).toFixed(2)}x)   ${verdict(f.summary.p95 <= TARGETS.summaryMs)}`);
  console.log(`   history (30 days)  p50 ${ms(history.p50)}   p95 ${ms(history.p95)} (target <= ${TARGETS.historyMs} ms, ${(history.p95 / TARGETS.historyMs).toFixed(2)}x)   ${verdict(history.p95 <= TARGETS.historyMs)}`);
  for (const period of ['7d', '24h']) console.log(`   ${period.padEnd(3)} history (ref.) p50 ${ms(f.history[period].p50)}   p95 ${ms(f.history[period].p95)}`);
  const summary = createSummary('postgres-instances');
  summary.check('summary_p95', f.summary.p95, '<=', TARGETS.summaryMs, { unit: 'ms', digits: 1 });
  summary.check('history_p95', history.p95, '<=', TARGETS.historyMs, { unit: 'ms', digits: 1 });
  f.instances.cpuPercent.forEach((cpu, i) => summary.note(`instance${i + 1}_cpu`, cpu, { unit: '%', digits: 1 }));
  summary.note('servers', f.servers);
  summary.print();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err.stack || err.message);
    process.exit(1);
  },
);
