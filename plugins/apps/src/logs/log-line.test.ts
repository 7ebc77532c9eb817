import { LogLineSplitter, MAX_LINE_CHARS, parseTimestamped, toDockerSince, type LogLine } from './log-line';

test('Docker timestamps get 9-digit nanoseconds so they sort as text; a line without one keeps its text', () => {
  expect(parseTimestamped('2026-12-06T23:10:00.12345Z hello world')).toEqual({ time: '2026-12-06T23:10:00.123450000Z', text: 'hello world' });
  expect(parseTimestamped('2026-12-06T23:10:00Z x')).toEqual({ time: '2026-12-06T23:10:00.000000000Z', text: 'x' });
  expect(parseTimestamped('no time here')).toEqual({ time: '', text: 'no time here' });
  expect(toDockerSince('2026-12-06T23:10:00.123450000Z')).toBe(`${Date.UTC(2026, 11, 6, 23, 10, 0) / 1000}.123450000`);
});

test('a full-width time (nine digits) is taken as it is; near misses are read as the pattern reads them', () => {
  expect(parseTimestamped('2026-12-06T23:10:00.123456789Z hello')).toEqual({ time: '2026-12-06T23:10:00.123456789Z', text: 'hello' });
  expect(parseTimestamped('2026-12-06T23:10:00.123456789Z ')).toEqual({ time: '2026-12-06T23:10:00.123456789Z', text: '' });
  // No space after the Z, a letter among the digits, a wrong separator: not a Docker timestamp.
  for (const raw of ['2026-12-06T23:10:00.123456789Zx', '2026-12-06T23:10:00.12345678xZ y', '2026-12-06 23:10:00.123456789Z y', '2026-12-06T23:10:00.123456789Z']) {
    expect(parseTimestamped(raw)).toEqual({ time: '', text: raw });
  }
  // Every fraction width Docker prints comes out with nine digits.
  for (let digits = 0; digits <= 9; digits++) {
    const fraction = '123456789'.slice(0, digits);
    const raw = `2026-12-06T23:10:00${digits ? `.${fraction}` : ''}Z text`;
    expect(parseTimestamped(raw)).toEqual({ time: `2026-12-06T23:10:00.${fraction.padEnd(9, '0')}Z`, text: 'text' });
  }
});

test('lines split across chunks and streams come out whole, in order, UTF-8 intact; a last line without a break is flushed', () => {
  const lines: LogLine[] = [];
  const splitter = new LogLineSplitter('web', (l) => lines.push(l));
  const euro = Buffer.from('2026-12-06T23:10:00.1Z price: 5 €\r\n');
  splitter.push('stdout', euro.subarray(0, euro.length - 4));
  splitter.push('stderr', Buffer.from('2026-12-06T23:10:00.2Z oops\n2026-12-06T23:10:00.3Z '));
  splitter.push('stdout', euro.subarray(euro.length - 4));
  splitter.push('stderr', Buffer.from('tail'));
  splitter.end();
  expect(lines).toEqual([
    { service: 'web', stream: 'stderr', time: '2026-12-06T23:10:00.200000000Z', text: 'oops' },
    { service: 'web', stream: 'stdout', time: '2026-12-06T23:10:00.100000000Z', text: 'price: 5 €' },
    { service: 'web', stream: 'stderr', time: '2026-12-06T23:10:00.300000000Z', text: 'tail' },
  ]);
});

test('a runaway line is cut', () => {
  const lines: LogLine[] = [];
  const splitter = new LogLineSplitter('web', (l) => lines.push(l));
  splitter.push('stdout', Buffer.from(`${'x'.repeat(MAX_LINE_CHARS + 10)}\n`));
  expect(lines[0].text).toHaveLength(MAX_LINE_CHARS + 1);
  expect(lines[0].text.endsWith('…')).toBe(true);
});

test('a run of many lines in one piece: full-width and trimmed times, CRLF, an empty line and one without a time, each as it was printed', () => {
  const lines: LogLine[] = [];
  const splitter = new LogLineSplitter('web', (l) => lines.push(l));
  splitter.push('stdout', Buffer.from('2026-12-06T23:10:00.123456789Z full\r\n2026-12-06T23:10:00.5Z trimmed\n\nplain text\n2026-12-06T23:10:01.000000001Z last'));
  splitter.end();
  expect(lines.map((l) => [l.time, l.text])).toEqual([
    ['2026-12-06T23:10:00.123456789Z', 'full'],
    ['2026-12-06T23:10:00.500000000Z', 'trimmed'],
    ['', ''],
    ['', 'plain text'],
    ['2026-12-06T23:10:01.000000001Z', 'last'],
  ]);
});
