import { GENERATE_KINDS } from '../catalog';
import { generateValue, PASSWORD_ALPHABET, PASSWORD_LENGTH } from './generate-secret';

const DRAWS = 2000;

describe('generateValue', () => {
  it('password: 24 characters of the URL-safe alphabet', () => {
    expect(PASSWORD_ALPHABET).toHaveLength(64);
    expect(new Set(PASSWORD_ALPHABET).size).toBe(64);
    for (let i = 0; i < 200; i++) {
      const v = generateValue('password');
      expect(v).toHaveLength(PASSWORD_LENGTH);
      expect(v).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(encodeURIComponent(v)).toBe(v);
    }
  });

  it('password: every character of the alphabet shows up, none dominates (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < DRAWS; i++) for (const c of generateValue('password')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(64);
    // 48,000 characters: 750 expected per character; ±40% is more than 10 standard deviations.
    const expected = (DRAWS * PASSWORD_LENGTH) / 64;
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(expected * 0.6);
      expect(n).toBeLessThan(expected * 1.4);
    }
  });

  it('hex: 32 random bytes as 64 lowercase hex digits', () => {
    for (let i = 0; i < 200; i++) expect(generateValue('hex')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('uuid: a random (v4) UUID', () => {
    for (let i = 0; i < 200; i++) expect(generateValue('uuid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each(GENERATE_KINDS)('%s: no repeats over many draws', (kind) => {
    const seen = new Set<string>();
    for (let i = 0; i < DRAWS; i++) seen.add(generateValue(kind));
    expect(seen.size).toBe(DRAWS);
  });

  it('refuses a kind it does not know (a bug, not input)', () => {
    expect(() => generateValue('pin' as never)).toThrow('unknown kind of generated value: pin');
  });
});
