import { compareNames } from './compare-names';

describe('compareNames', () => {
  it('orders names ignoring case and accents, ties broken by the exact text', () => {
    const names = ['Gitea', 'élan', 'dozzle', 'Elan', 'Home Assistant', 'homepage', 'Zulu', 'Ärger', 'adguard', '2fauth'];
    expect([...names].sort(compareNames)).toEqual(['2fauth', 'adguard', 'Ärger', 'dozzle', 'Elan', 'élan', 'Gitea', 'Home Assistant', 'homepage', 'Zulu']);
  });

  it('is 0 only for the same text', () => {
    expect(compareNames('Pi-hole', 'Pi-hole')).toBe(0);
    expect(compareNames('pi-hole', 'Pi-hole')).not.toBe(0);
  });
});
