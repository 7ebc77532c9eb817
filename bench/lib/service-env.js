'use strict';
// The environment the shipped systemd unit (packaging/tomo.service) gives `tomo serve`: its
// `Environment=` lines. bench/lib/tomo.js starts the measured server with it, so a runtime
// setting shipped in the unit (e.g. MALLOC_ARENA_MAX, issue 19) is measured as shipped, from the
// same place, not from a bench-only flag.
const fs = require('node:fs');
const path = require('node:path');

const UNIT = path.resolve(__dirname, '..', '..', 'packaging', 'tomo.service');

/**
 * `Environment=` assignments of a unit's text: `KEY=VALUE` words, a word in double quotes may
 * hold spaces (systemd's syntax, without specifiers or escapes, which the unit does not use).
 */
function parseUnitEnvironment(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*Environment=(.*)$/);
    if (!m) continue;
    for (const word of m[1].match(/"[^"]*"|\S+/g) || []) {
      const assignment = word.startsWith('"') ? word.slice(1, -1) : word;
      const eq = assignment.indexOf('=');
      if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  return env;
}

/** The shipped unit's environment for `tomo serve`. */
function serviceEnvironment(unit = UNIT) {
  return parseUnitEnvironment(fs.readFileSync(unit, 'utf8'));
}

module.exports = { UNIT, parseUnitEnvironment, serviceEnvironment };
