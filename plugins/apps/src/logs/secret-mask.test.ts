import { MASK, secretMasker } from './secret-mask';

test('every occurrence of every secret is masked, the longer one whole; regex characters are literal', () => {
  const mask = secretMasker(['abcd1234', 'abcd1234-extended', 'a.b*c+d?', 'xy']);
  expect(mask('pw=abcd1234 again abcd1234')).toBe(`pw=${MASK} again ${MASK}`);
  expect(mask('key abcd1234-extended')).toBe(`key ${MASK}`);
  expect(mask('odd a.b*c+d? and aXbbcd')).toBe(`odd ${MASK} and aXbbcd`);
  // Too short to mask without blanking out ordinary text.
  expect(mask('xy stays')).toBe('xy stays');
});

test('no secrets: lines pass unchanged', () => {
  expect(secretMasker([])('a line')).toBe('a line');
});
