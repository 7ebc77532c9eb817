'use strict';
// Small statistics helpers shared by the benchmarks. All take an array of numbers and never
// mutate it; an empty array gives NaN.

function sorted(values) {
  return [...values].sort((a, b) => a - b);
}

/** Middle value (mean of the two middle values for an even count). */
function median(values) {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Percentile by linear interpolation between closest ranks; p in [0, 100]. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

const p95 = (values) => percentile(values, 95);
const min = (values) => (values.length ? Math.min(...values) : NaN);
const max = (values) => (values.length ? Math.max(...values) : NaN);
const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);

/** { n, min, median, p95, max, mean } in one go. */
function summarize(values) {
  return { n: values.length, min: min(values), median: median(values), p95: p95(values), max: max(values), mean: mean(values) };
}

module.exports = { median, percentile, p95, min, max, mean, summarize };
