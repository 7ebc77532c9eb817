import { chartSpecs, lastTotal, timesOf } from './charts';
import { formatBytes } from '@tomo/ui-shell/kit';
import { barWidth, formatDuration, formatPercent, loadTone } from './format';
import { makePoint } from './test-fixtures';

describe('figures', () => {
  it('writes bytes, percentages and durations; unknown is a dash', () => {
    expect([formatBytes(0), formatBytes(1536), formatBytes(8 * 1024 ** 3), formatBytes(150 * 1024 ** 2), formatBytes(null), formatBytes(-1)]).toEqual(['0 B', '1.5 KiB', '8.0 GiB', '150 MiB', '—', '—']);
    expect([formatPercent(3.25), formatPercent(42.4), formatPercent(100), formatPercent(null), formatPercent(Number.NaN)]).toEqual(['3.3 %', '42 %', '100 %', '—', '—']);
    expect([formatDuration(59), formatDuration(3 * 3600 + 120), formatDuration(2 * 86400 + 5 * 3600), formatDuration(null)]).toEqual(['0 min', '3 h 2 min', '2 d 5 h', '—']);
  });

  it('keeps bars within 0–100 and colours them by level', () => {
    expect([barWidth(-5), barWidth(50), barWidth(140), barWidth(null)]).toEqual([0, 50, 100, 0]);
    expect([loadTone(69.9), loadTone(70), loadTone(89.9), loadTone(90), loadTone(null)]).toEqual(['success', 'warning', 'warning', 'danger', 'neutral']);
  });
});

describe('charts and summaries', () => {
  it('turns the history into five series over the same times, gaps kept', () => {
    const points = [makePoint(5), makePoint(0, { cpuPercent: null, memTotalBytes: null })];
    expect(timesOf(points)).toEqual(points.map((p) => Date.parse(p.at) / 1000));
    const specs = chartSpecs(points);
    expect(specs.map((s) => s.id)).toEqual(['cpu', 'memory', 'disk', 'load', 'latency']);
    expect(specs[0].series[0].values).toEqual([15, null]);
    expect(specs[0].max).toBe(100);
    expect(specs.map((s) => s.format(1536))).toEqual(['1536 %', '1.5 KiB', '1.5 KiB', '1536.00', '1536 ms']);
    // Without peaks in the answer, one series each.
    expect(specs.map((s) => s.series.length)).toEqual([1, 1, 1, 1, 1]);
    const withPeaks = chartSpecs([makePoint(5, { cpuPercentMax: 80, memUsedBytesMax: 9, diskUsedBytesMax: 7, load1Max: 2, latencyMsMax: 30 }), makePoint(0, { cpuPercentMax: null })]);
    expect(withPeaks.map((s) => s.series.map((x) => `${x.label}${x.peak ? '*' : ''}`))).toEqual([['CPU', 'Peak*'], ['Used', 'Peak*'], ['Used'], ['Load', 'Peak*'], ['Latency', 'Peak*']]);
    expect(withPeaks[0].series[1].values).toEqual([80, null]);
    expect(withPeaks[0].series[1].color).toBe(withPeaks[0].series[0].color);
    expect(lastTotal(points, (p) => p.memTotalBytes)).toBe(8 * 1024 ** 3);
    expect(lastTotal([], (p) => p.memTotalBytes)).toBeNull();
  });
});
