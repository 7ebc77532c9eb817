/** The server's history turned into the Metrics tab's charts: times and series per chart (pure; tested). */
import type { AppPoint, HistoryPoint } from './api';
import { formatBytes } from '@tomo/ui-shell/kit';
import { formatPercent } from './format';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** A hex colour (#rrggbb). */
  color: string;
  /** A bucket's highest figure: drawn as a thin dashed line, not filled. */
  peak?: boolean;
}

export interface ChartSpec {
  id: 'cpu' | 'memory' | 'disk' | 'load' | 'latency' | 'app-cpu' | 'app-memory';
  title: string;
  series: ChartSeries[];
  format: (value: number) => string;
  max?: number;
}

const BLUE = '#2f5bea';
const GREEN = '#17794a';
const AMBER = '#b7791f';
const PURPLE = '#7048c8';
const TEAL = '#1f7a8c';

const number = (digits: number) => (value: number) => value.toFixed(digits);

/** Unix seconds of each point, for the x axis. */
export function timesOf(points: Array<{ at: string }>): number[] {
  return points.map((p) => Math.round(Date.parse(p.at) / 1000));
}

/** The five charts: CPU %, memory used, disk used, load (1 min), SSH latency; with each bucket's peak when the API sends it. */
export function chartSpecs(points: HistoryPoint[]): ChartSpec[] {
  const pick = (f: (p: HistoryPoint) => number | null | undefined) => points.map((p) => f(p) ?? null);
  /** The average's series, and the peak's when any point has one. */
  const series = (label: string, color: string, avg: (p: HistoryPoint) => number | null, max: (p: HistoryPoint) => number | null | undefined): ChartSeries[] => {
    const main: ChartSeries = { label, values: pick(avg), color };
    const peaks = pick(max);
    return peaks.some((v) => v !== null) ? [main, { label: 'Peak', values: peaks, color, peak: true }] : [main];
  };
  return [
    { id: 'cpu', title: 'CPU', series: series('CPU', BLUE, (p) => p.cpuPercent, (p) => p.cpuPercentMax), format: (v) => formatPercent(v), max: 100 },
    { id: 'memory', title: 'Memory used', series: series('Used', GREEN, (p) => p.memUsedBytes, (p) => p.memUsedBytesMax), format: (v) => formatBytes(v) },
    { id: 'disk', title: 'Disk used (/)', series: [{ label: 'Used', values: pick((p) => p.diskUsedBytes), color: PURPLE }], format: (v) => formatBytes(v) },
    { id: 'load', title: 'Load (1 min)', series: series('Load', AMBER, (p) => p.load1, (p) => p.load1Max), format: number(2) },
    { id: 'latency', title: 'SSH latency', series: series('Latency', TEAL, (p) => p.latencyMs, (p) => p.latencyMsMax), format: (v) => `${Math.round(v)} ms` },
  ];
}

/** The last point's total (memory, disk), for "of 16 GiB" under a chart's title. */
export function lastTotal(points: HistoryPoint[], pick: (p: HistoryPoint) => number | null): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const value = pick(points[i]);
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** An app container's two charts: CPU % and memory, each the bucket's average and its peak. */
export function appChartSpecs(points: AppPoint[]): ChartSpec[] {
  const pick = (f: (p: AppPoint) => number | null) => points.map((p) => f(p) ?? null);
  return [
    {
      id: 'app-cpu',
      title: 'CPU',
      series: [
        { label: 'Average', values: pick((p) => p.cpuPercent), color: BLUE },
        { label: 'Peak', values: pick((p) => p.cpuPercentMax), color: BLUE, peak: true },
      ],
      format: (v) => formatPercent(v),
    },
    {
      id: 'app-memory',
      title: 'Memory',
      series: [
        { label: 'Average', values: pick((p) => p.memBytes), color: GREEN },
        { label: 'Peak', values: pick((p) => p.memBytesMax), color: GREEN, peak: true },
      ],
      format: (v) => formatBytes(v),
    },
  ];
}
