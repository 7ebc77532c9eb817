'use strict';
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, self time per
// package/file, and inclusive ("total") time per function. Usable as a module or a CLI:
//   node bench/lib/cpuprofile-summary.js <file.cpuprofile> [--top N] [--filter SUBSTRING]
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Shortens a script URL: node_modules/<pkg>/..., a repo-relative path, or node:internal. */
function shortUrl(url) {
  if (!url) return '';
  let p = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  if (p.startsWith(ROOT + '/')) p = p.slice(ROOT.length + 1);
  return p;
}

/** The "area" a script belongs to: an npm package, a repo folder (kernel, plugins/auth), or node itself. */
function areaOf(url) {
  const s = shortUrl(url);
  if (!s) return '(native / V8)';
  if (s.startsWith('node:')) return 'node core';
  if (url.includes('node_modules/')) {
    const parts = s.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const parts = s.split('/');
  if (parts[0] === 'plugins') return `plugins/${parts[1]}`;
  return parts[0];
}

function keyOf(callFrame) {
  const name = callFrame.functionName || '(anonymous)';
  const file = shortUrl(callFrame.url);
  return file ? `${file}:${callFrame.lineNumber + 1} ${name}` : name;
}

/** Reads a .cpuprofile and returns { totalMs, self: [{key, area, ms, pct}], areas, inclusive }. */
function summarizeProfile(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map();
  const parent = new Map();
  for (const node of profile.nodes) byId.set(node.id, node);
  for (const node of profile.nodes) for (const c of node.children || []) parent.set(c, node.id);

  const selfMs = new Map();
  const areaMs = new Map();
  const inclMs = new Map();
  let totalMs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; attribute it to sample i's leaf.
    const dt = (timeDeltas[i + 1] !== undefined ? timeDeltas[i + 1] : timeDeltas[i]) / 1000;
    if (!(dt > 0)) continue;
    totalMs += dt;
    const leaf = byId.get(samples[i]);
    const key = keyOf(leaf.callFrame);
    selfMs.set(key, (selfMs.get(key) || 0) + dt);
    const area = ['(idle)', '(garbage collector)', '(program)'].includes(leaf.callFrame.functionName) ? leaf.callFrame.functionName : areaOf(leaf.callFrame.url);
    areaMs.set(area, (areaMs.get(area) || 0) + dt);
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclMs.set(k, (inclMs.get(k) || 0) + dt);
    }
  }
  const idleMs = selfMs.get('(idle)') || 0;
  const busyMs = totalMs - idleMs;
  const rows = (m) =>
    [...m.entries()]
      .map(([key, ms]) => ({ key, ms, pct: (100 * ms) / totalMs, pctBusy: key === '(idle)' ? NaN : (100 * ms) / busyMs }))
      .sort((a, b) => b.ms - a.ms);
  return { totalMs, idleMs, busyMs, self: rows(selfMs), areas: rows(areaMs), inclusive: rows(inclMs) };
}

function printSummary(s, { top = 25, filter } = {}) {
  const fmt = (r) => `${r.ms.toFixed(0).padStart(8)} ms ${r.pct.toFixed(1).padStart(5)}% ${Number.isNaN(r.pctBusy) ? '      ' : `${r.pctBusy.toFixed(1).padStart(5)}%b`}  ${r.key}`;
  const f = (rows) => (filter ? rows.filter((r) => r.key.includes(filter)) : rows);
  console.log(`profile: ${s.totalMs.toFixed(0)} ms sampled, idle ${s.idleMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms  (% = of all samples, %b = of busy samples)`);
  console.log('\n-- self time by area (package / repo folder) --');
  for (const r of s.areas.slice(0, top)) console.log(fmt(r));
  console.log(`\n-- top ${top} functions by self time --`);
  for (const r of f(s.self).slice(0, top)) console.log(fmt(r));
  console.log(`\n-- top ${top} functions by inclusive time --`);
  for (const r of f(s.inclusive).slice(0, top)) console.log(fmt(r));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const file = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (!file) {
    console.error('usage: node bench/lib/cpuprofile-summary.js <file.cpuprofile> [--top N] [--filter SUBSTRING]');
    process.exit(2);
  }
  printSummary(summarizeProfile(file), { top: Number(opt('--top') || 25), filter: opt('--filter') });
}

module.exports = { summarizeProfile, printSummary, shortUrl, areaOf };
