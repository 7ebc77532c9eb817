'use strict';
// jest's order (failed first, then slowest first, or by file size without timings), with the
// packaging tests (rpm/test, deb/test) moved to the end: `npm test` builds their packages in the
// background (scripts/packages/prebuild.js) from idle CPU during the main run, and they would
// otherwise come early in a clean checkout (large files) and wait minutes for those builds.
const Sequencer = require('@jest/test-sequencer').default;

const PACKAGING_TEST = /[\\/](rpm|deb)[\\/]test[\\/][^\\/]+-package\.test\.ts$/;

class PackagingLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !PACKAGING_TEST.test(t.path)), ...sorted.filter((t) => PACKAGING_TEST.test(t.path))];
  }
}

module.exports = PackagingLastSequencer;
