'use strict';
// Prints line coverage per area (kernel, each plugin's backend and panels, the console) from
// jest's json-summary, so the test command reports the figures the quality gate is about.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'coverage', 'coverage-summary.json');
if (!fs.existsSync(file)) {
  console.log('coverage: no summary found');
  process.exit(0);
}
const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
const areas = new Map();
for (const [name, data] of Object.entries(summary)) {
  if (name === 'total') continue;
  const rel = path.relative(path.join(__dirname, '..'), name);
  const match = /^(kernel\/src|plugins\/[^/]+\/(?:src|ui)|ui-shell\/src)\//.exec(rel);
  const area = match ? match[1] : 'other';
  const a = areas.get(area) ?? { covered: 0, total: 0 };
  a.covered += data.lines.covered;
  a.total += data.lines.total;
  areas.set(area, a);
}
console.log('\nline coverage by area:');
for (const [area, a] of [...areas.entries()].sort()) {
  console.log(`  ${area.padEnd(24)} ${((100 * a.covered) / Math.max(1, a.total)).toFixed(1).padStart(5)}%  (${a.covered}/${a.total})`);
}
