import { fromLocalInput, silenceTimes, toLocalInput } from './silence-times';

const NOW = new Date(2026, 11, 7, 10, 0);
const local = (hoursFromNow: number) => toLocalInput(new Date(NOW.getTime() + hoursFromNow * 3600_000));

describe('silenceTimes', () => {
  it('gives 1, 4 or 24 hours from now, starting at once', () => {
    for (const [length, hours] of [['1h', 1], ['4h', 4], ['24h', 24]] as const) {
      expect(silenceTimes({ length, startsAt: '', endsAt: '' }, NOW)).toEqual({ endsAt: new Date(NOW.getTime() + hours * 3600_000).toISOString() });
    }
  });

  it('"until" takes a time in the future', () => {
    expect(silenceTimes({ length: 'until', startsAt: '', endsAt: local(3) }, NOW)).toEqual({ endsAt: fromLocalInput(local(3)) });
    expect(silenceTimes({ length: 'until', startsAt: '', endsAt: local(-1) }, NOW)).toEqual({ field: 'endsAt', message: 'Choose a time in the future' });
    expect(silenceTimes({ length: 'until', startsAt: '', endsAt: '' }, NOW)).toEqual({ field: 'endsAt', message: 'Choose when the silence ends' });
  });

  it('a maintenance window starts later and ends after it starts', () => {
    expect(silenceTimes({ length: 'window', startsAt: local(24), endsAt: local(26) }, NOW)).toEqual({ startsAt: fromLocalInput(local(24)), endsAt: fromLocalInput(local(26)) });
    expect(silenceTimes({ length: 'window', startsAt: local(-2), endsAt: local(2) }, NOW)).toMatchObject({ field: 'startsAt' });
    expect(silenceTimes({ length: 'window', startsAt: local(5), endsAt: local(4) }, NOW)).toEqual({ field: 'endsAt', message: 'The end must be after the start' });
    expect(silenceTimes({ length: 'window', startsAt: 'not a date', endsAt: local(4) }, NOW)).toMatchObject({ field: 'startsAt' });
  });
});
