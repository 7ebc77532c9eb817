import { activityQueryString } from './api';
import { dayStart, formatLogTime, isDay, pageRange, target, who } from './format';
import { apiQueryOf, filtersFromQuery, isFiltered, lastPage, NO_FILTERS, queryFromFilters } from './log-filters';
import { SERVER_A, SERVER_B } from './test-fixtures';

describe('entries', () => {
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

  it('writes a time of today without its day, an earlier one with it; an unreadable one as it came', () => {
    const now = new Date(2026, 10, 29, 18, 0);
    expect(formatLogTime(new Date(2026, 10, 29, 14, 5).toISOString(), now)).not.toMatch(/29|Nov/);
    expect(formatLogTime(new Date(2026, 2, 12, 14, 5).toISOString(), now)).toMatch(/12/);
    expect(formatLogTime('not a time', now)).toBe('not a time');
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
