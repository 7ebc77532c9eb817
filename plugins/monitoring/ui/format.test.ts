import { activityQueryString } from './api';
import { chartSpecs, lastTotal, timesOf } from './charts';
import { formatBytes } from '@tomo/ui-shell/kit';
import { barWidth, dayStart, formatDuration, formatPercent, isDay, loadTone, pageRange, target, who } from './format';
import { apiQueryOf, filtersFromQuery, isFiltered, lastPage, NO_FILTERS, queryFromFilters } from './log-filters';
import { makePoint, SERVER_A, SERVER_B } from './test-fixtures';

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

  it('names who did it and on what', () => {
    expect(who({ username: 'alice', userId: 'u', door: 'console' })).toBe('alice');
    expect(who({ username: null, userId: 'u', door: 'api' })).toBe('deleted user');
    expect(who({ username: null, userId: null, door: 'system' })).toBe('system');
    expect(target({ targetName: 'nas', targetType: 'server', targetId: 'x' })).toBe('nas (server)');
    expect(target({ targetName: null, targetType: 'api_token', targetId: 't-1' })).toBe('t-1 (api token)');
    expect(target({ targetName: null, targetType: null, targetId: null })).toBe('—');
  });

  it('writes the range of a page', () => {
    expect(pageRange(1, 50, 312, 50)).toBe('1–50 of 312');
    expect(pageRange(7, 50, 312, 12)).toBe('301–312 of 312');
    expect(pageRange(1, 50, 0, 0)).toBe('0 of 0');
    expect(pageRange(9, 50, 312, 0)).toBe('0 of 312');
  });

  it('reads days and turns them into local midnights', () => {
    expect([isDay('2026-11-29'), isDay('2026-11-29T10:00'), isDay('yesterday'), isDay('2026-13-45')]).toEqual([true, false, false, false]);
    expect(dayStart('2026-11-29')).toBe(new Date(2026, 10, 29).toISOString());
    expect(dayStart('2026-12-31', 1)).toBe(new Date(2027, 0, 1).toISOString());
  });
});

describe('log filters and the URL', () => {
  it('reads filters from a URL query, dropping what the API would refuse', () => {
    expect(filtersFromQuery({ serverId: SERVER_A, action: 'app.*', userId: SERVER_B, from: '2026-11-01', to: '2026-11-02', q: ' kuma ', page: '3' })).toEqual({
      serverId: SERVER_A,
      action: 'app.*',
      userId: SERVER_B,
      from: '2026-11-01',
      to: '2026-11-02',
      q: 'kuma',
      page: 3,
    });
    expect(filtersFromQuery({ serverId: 'x', action: 'App Install', from: '1/2/2026', page: '0' })).toEqual(NO_FILTERS);
    expect(filtersFromQuery({ page: '2.5' }).page).toBe(1);
    expect(filtersFromQuery({ action: ['server', 'app'] }).action).toBe('server');
    expect(filtersFromQuery({ q: 'x'.repeat(300) }).q).toHaveLength(200);
  });

  it('writes only the filters set into the URL, and the page from 2 on', () => {
    expect(queryFromFilters(NO_FILTERS)).toEqual({});
    expect(queryFromFilters({ ...NO_FILTERS, action: 'server', q: 'pi', page: 2 })).toEqual({ action: 'server', q: 'pi', page: '2' });
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, page: 4 })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, to: '2026-01-01' })).toBe(true);
  });

  it('asks the API with the days as bounds and leaves empty filters out', () => {
    const query = apiQueryOf({ ...NO_FILTERS, from: '2026-11-01', to: '2026-11-01', q: '  ', page: 2 });
    expect(query).toEqual({ from: new Date(2026, 10, 1).toISOString(), to: new Date(2026, 10, 2).toISOString(), page: 2, pageSize: 50, serverId: undefined, action: undefined, userId: undefined, q: undefined });
    expect(activityQueryString(query)).toBe(`?from=${encodeURIComponent(query.from!)}&to=${encodeURIComponent(query.to!)}&page=2&pageSize=50`);
    expect(activityQueryString({})).toBe('');
    expect(activityQueryString({ q: 'a&b=c', pageSize: 10 })).toBe('?q=a%26b%3Dc&pageSize=10');
    expect([lastPage(0), lastPage(50), lastPage(51), lastPage(312)]).toEqual([1, 1, 2, 7]);
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
