'use strict';
// Settings a benchmark takes from the environment (BENCH_*), checked so a typo fails loudly.

/** A whole number >= `min` from `process.env[name]`, or `fallback` when unset or empty. */
function envInt(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return n;
}

module.exports = { envInt };
