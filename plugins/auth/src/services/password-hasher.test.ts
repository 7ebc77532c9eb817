import { PasswordHasher } from './password-hasher';

const hasher = new PasswordHasher(12);

test('hashes are bcrypt at cost 12 and verify only the right password', async () => {
  const hash = await hasher.hash('correct horse battery staple');
  expect(hash).toMatch(/^\$2b\$12\$/);
  expect(await hasher.verify('correct horse battery staple', hash)).toBe(true);
  expect(await hasher.verify('correct horse battery stapl', hash)).toBe(false);
});

test('passwords longer than 72 bytes are fully significant (not truncated)', async () => {
  const base = 'x'.repeat(100);
  const hash = await hasher.hash(`${base}-one`);
  expect(await hasher.verify(`${base}-one`, hash)).toBe(true);
  expect(await hasher.verify(`${base}-two`, hash)).toBe(false);
});

test('multi-byte passwords work', async () => {
  const hash = await hasher.hash('пароль-密码-🔑-long-enough');
  expect(await hasher.verify('пароль-密码-🔑-long-enough', hash)).toBe(true);
});

test('verifyAgainstNothing always fails', async () => {
  expect(await hasher.verifyAgainstNothing('anything')).toBe(false);
});
