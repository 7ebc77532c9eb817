import { acceptHostKeyInput, createServerInput, hostSchema, serverNameSchema, sshUsernameSchema } from './schemas';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

test.each(['nas', 'nas.local', 'Example.COM.', 'a-b.c-d.e', '127.0.0.1', '10.0.0.254', '::1', 'fe80::1', '2001:db8::42'])('host %j is accepted', (v) => {
  expect(ok(hostSchema, v)).toBe(true);
});
test.each(['', '-oProxyCommand=x', 'a b', 'a_b', 'a..b', '.a', '[::1]', 'nas:22', 'ssh://nas', 'nas\n', `${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}ab`, 'é.com', '$(id)'])(
  'host %j is refused',
  (v) => {
    expect(ok(hostSchema, v)).toBe(false);
  },
);

test.each(['root', 'tomo.test', 'user@example.com', 'svc-backup', '_svc', 'a'.repeat(64)])('username %j is accepted', (v) => {
  expect(ok(sshUsernameSchema, v)).toBe(true);
});
test.each(['', '-x', '.x', 'a b', 'a;b', '$(id)', 'ü', 'a\nb', 'a'.repeat(65)])('username %j is refused', (v) => {
  expect(ok(sshUsernameSchema, v)).toBe(false);
});

test.each(['nas', 'My NAS', 'nas-01 (garage)', 'Büro/Keller', 'x'.repeat(64)])('name %j is accepted', (v) => {
  expect(ok(serverNameSchema, v)).toBe(true);
});
test.each(['', ' lead', 'trail ', 'a\tb', 'a\u0000b', '-x', 'a$b', 'a;b', 'a|b', 'a`b', "a'b", 'a"b', 'a\\b', 'x'.repeat(65)])('name %j is refused', (v) => {
  expect(ok(serverNameSchema, v)).toBe(false);
});

test('a server input: port defaults to 22, unknown fields are refused', () => {
  const base = { name: 'n', host: 'nas', username: 'u', authType: 'password', credentials: { password: 'p' } };
  expect(createServerInput.parse(base).port).toBe(22);
  expect(ok(createServerInput, { ...base, port: 0 })).toBe(false);
  expect(ok(createServerInput, { ...base, port: 65536 })).toBe(false);
  expect(ok(createServerInput, { ...base, port: 22.5 })).toBe(false);
  expect(ok(createServerInput, { ...base, extra: 1 })).toBe(false);
  expect(ok(createServerInput, { ...base, credentials: { password: 'p', sudo: 'x' } })).toBe(false);
});

test('a fingerprint to accept must look like ssh-keygen prints it', () => {
  expect(ok(acceptHostKeyInput, { fingerprint: 'SHA256:d69UMMBIm6Tpv8jaCqoiqgnxOIZuHbAS5matMehuFSk' })).toBe(true);
  for (const fingerprint of ['d69UMMBIm6Tpv8jaCqoiqgnxOIZuHbAS5matMehuFSk', 'SHA256:short', 'MD5:aa:bb:cc', 'SHA256:d69UMMBIm6Tpv8jaCqoiqgnxOIZuHbAS5matMehuFSk=']) {
    expect(ok(acceptHostKeyInput, { fingerprint })).toBe(false);
  }
});
