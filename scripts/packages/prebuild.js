'use strict';
// Builds the RPM and the .deb into the packaging tests' cache (scripts/packages/package-cache.js)
// one after the other, so `npm test` can run it in the background (at low priority) while lint,
// the type-check and the other test files run: the two builds take about 5 minutes of the run
// otherwise, most of it npm ci and compiling native modules. A test reaching its package while
// the build runs waits for it (the cache's lock). A failed build is reported here and again,
// with its log, by the test that needs the package (it tries the build itself).
//   node scripts/packages/prebuild.js
const { builtDeb, builtRpm } = require('./package-builds');

let failed = false;
// Both tests run last in jest's order (test-support/test-sequencer.js), by when both are built.
for (const [kind, build] of [['rpm', builtRpm], ['deb', builtDeb]]) {
  const started = Date.now();
  try {
    const file = build();
    console.log(`prebuild: ${kind} ready in ${Math.round((Date.now() - started) / 1000)} s: ${file}`);
  } catch (err) {
    failed = true;
    console.log(`prebuild: ${kind} failed after ${Math.round((Date.now() - started) / 1000)} s: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exitCode = failed ? 1 : 0;
