import type { LogLineView } from '../api';
import { filterLines, highlight, logFileName, logFileText } from './log-text';

const line = (service: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): LogLineView => ({ service, stream, time: '2026-12-06T23:10:00.000000000Z', text });

test('filters by service and by text in any case', () => {
  const lines = [line('web', 'GET / 200'), line('db', 'ready'), line('web', 'get /x 404')];
  expect(filterLines(lines, '', '')).toEqual(lines);
  expect(filterLines(lines, 'db', '')).toEqual([lines[1]]);
  expect(filterLines(lines, 'web', 'GET')).toEqual([lines[0], lines[2]]);
  expect(filterLines(lines, 'db', 'get')).toEqual([]);
});

test('highlight cuts the text at every match and keeps the original case', () => {
  expect(highlight('Error: error again', 'error')).toEqual([
    { text: 'Error', match: true },
    { text: ': ', match: false },
    { text: 'error', match: true },
    { text: ' again', match: false },
  ]);
  expect(highlight('plain', '')).toEqual([{ text: 'plain', match: false }]);
  expect(highlight('aaa', 'aa')).toEqual([
    { text: 'aa', match: true },
    { text: 'a', match: false },
  ]);
});

test('the download is one line per log line; its name is safe', () => {
  expect(logFileText([line('web', 'a'), line('db', 'b', 'stderr')])).toBe('2026-12-06T23:10:00.000000000Z web stdout a\n2026-12-06T23:10:00.000000000Z db stderr b\n');
  expect(logFileName('Nextcloud / MariaDB!', new Date('2026-12-06T23:10:00.000Z'))).toBe('nextcloud-mariadb-logs-2026-12-06T23-10-00-000Z.txt');
  expect(logFileName('***', new Date('2026-12-06T23:10:00.000Z'))).toBe('app-logs-2026-12-06T23-10-00-000Z.txt');
});
