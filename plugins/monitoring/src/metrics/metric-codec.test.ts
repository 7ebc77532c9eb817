import { decodeMetric, encodeMetric, isScaled, precisionOf, storedAs } from './metric-codec';

describe('metric-codec', () => {
  test('each metric has its unit: hundredths of a percent and of a load, tenths of a ms, KiB, seconds', () => {
    expect(encodeMetric('cpuPercent', 12.34)).toBe(1234);
    expect(encodeMetric('load15', 3.07)).toBe(307);
    expect(encodeMetric('latencyMs', 12.3)).toBe(123);
    expect(encodeMetric('memUsedBytes', 8 * 2 ** 30)).toBe(8 * 2 ** 20);
    expect(encodeMetric('uptimeSeconds', 86400)).toBe(86400);
    expect(['cpuPercent', 'load1', 'latencyMs', 'diskTotalBytes', 'uptimeSeconds', 'samples'].map(precisionOf)).toEqual([0.01, 0.01, 0.1, 1024, 1, null]);
  });

  test('rollup columns take their metric unit; counts and keys have none and pass through', () => {
    expect(encodeMetric('cpuPercentAvg', 50.5)).toBe(5050);
    expect(encodeMetric('memBytesMax', 4096)).toBe(4);
    expect(decodeMetric('dockerDiskUsedBytesAvg', 10)).toBe(10240);
    for (const column of ['samples', 'cpuPercentSamples', 'seriesId', 'ts']) {
      expect(isScaled(column)).toBe(false);
      expect(encodeMetric(column, 17)).toBe(17);
      expect(decodeMetric(column, '17')).toBe(17);
    }
  });

  test('rounding: to the nearest unit, halves up; a value off the unit comes back within half a unit', () => {
    expect(encodeMetric('cpuPercent', 0.004)).toBe(0);
    expect(encodeMetric('cpuPercent', 0.005)).toBe(1);
    expect(encodeMetric('latencyMs', 0.96)).toBe(10);
    expect(encodeMetric('memUsedBytes', 1536)).toBe(2); // 1.5 KiB
    expect(encodeMetric('memUsedBytes', 1535)).toBe(1);
    for (const [column, value] of [['cpuPercent', 33.3333], ['load1', 0.666], ['latencyMs', 7.77], ['diskUsedBytes', 1e11 + 777]] as const) {
      const back = decodeMetric(column, encodeMetric(column, value));
      expect(Math.abs(back! - value)).toBeLessThanOrEqual(precisionOf(column)! / 2);
    }
  });

  test('values on the unit come back exactly as typed (divided, not multiplied by 0.01)', () => {
    for (const v of [0, 0.01, 12.34, 99.99, 100, 57.3]) expect(decodeMetric('cpuPercent', encodeMetric('cpuPercent', v))).toBe(v);
    for (const v of [0.07, 1.1, 2.29]) expect(decodeMetric('load5', encodeMetric('load5', v))).toBe(v);
    expect(decodeMetric('memTotalBytes', encodeMetric('memTotalBytes', 16 * 2 ** 30))).toBe(16 * 2 ** 30);
  });

  test('null, undefined and NaN are stored as null; null reads as null; SQLite strings and averages are read as numbers', () => {
    expect(encodeMetric('cpuPercent', null)).toBeNull();
    expect(encodeMetric('cpuPercent', undefined)).toBeNull();
    expect(encodeMetric('load1', Number.NaN)).toBeNull();
    expect(decodeMetric('cpuPercent', null)).toBeNull();
    expect(decodeMetric('cpuPercent', undefined)).toBeNull();
    expect(decodeMetric('memBytes', '5000000000')).toBe(5000000000 * 1024);
    expect(decodeMetric('cpuPercentAvg', 1234.5)).toBe(12.345);
  });

  test('the entity transformer is the same codec; a column without a unit is refused', () => {
    const t = storedAs('latencyMs');
    expect(t.to(4.2)).toBe(42);
    expect(t.from(42)).toBe(4.2);
    expect(t.to(null)).toBeNull();
    expect(() => storedAs('samples')).toThrow('metric-codec: no unit for column samples');
  });
});
