/** The server's history turned into the Metrics tab's charts: times and series per chart (pure; tested). */
import type { AppPoint, HistoryPoint } from './api';
import { formatBytes, formatPercent } from './format';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** A hex colour (#rrggbb). */
  color: string;
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

/** The five charts: CPU %, memory used, disk used, load (1 min), SSH latency. */
export function chartSpecs(points: HistoryPoint[]): ChartSpec[] {
  const pick = (f: (p: HistoryPoint) => number | null) => points.map((p) => f(p) ?? null);
  return [
    { id: 'cpu', title: 'CPU', series: [{ label: 'CPU', values: pick((p) => p.cpuPercent), color: BLUE }], format: (v) => formatPercent(v), max: 100 },
    { id: 'memory', title: 'Memory used', series: [{ label: 'Used', values: pick((p) => p.memUsedBytes), color: GREEN }], format: (v) => formatBytes(v) },
    { id: 'disk', title: 'Disk used (/)', series: [{ label: 'Used', values: pick((p) => p.diskUsedBytes), color: PURPLE }], format: (v) => formatBytes(v) },
    { id: 'load', title: 'Load (1 min)', series: [{ label: 'Load', values: pick((p) => p.load1), color: AMBER }], format: number(2) },
    { id: 'latency', title: 'SSH latency', series: [{ label: 'Latency', values: pick((p) => p.latencyMs), color: TEAL }], format: (v) => `${Math.round(v)} ms` },
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
        { label: 'Peak', values: pick((p) => p.cpuPercentMax), color: AMBER },
      ],
      format: (v) => formatPercent(v),
    },
    {
      id: 'app-memory',
      title: 'Memory',
      series: [
        { label: 'Average', values: pick((p) => p.memBytes), color: GREEN },
        { label: 'Peak', values: pick((p) => p.memBytesMax), color: AMBER },
      ],
      format: (v) => formatBytes(v),
    },
  ];
}
