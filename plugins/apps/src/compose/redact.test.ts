import { REDACTED, redactSecrets } from './redact';

test('every occurrence of every secret is blanked, the longest first', () => {
  expect(redactSecrets('pw=abc123 again abc123, long abc123XYZ', ['abc123', 'abc123XYZ'])).toBe(`pw=${REDACTED} again ${REDACTED}, long ${REDACTED}`);
});

test('regex characters in a secret are taken literally; empty secrets hide nothing', () => {
  expect(redactSecrets('a.*b and a-b', ['a.*b', ''])).toBe(`${REDACTED} and a-b`);
});
