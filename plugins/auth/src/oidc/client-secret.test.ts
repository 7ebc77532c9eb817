import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretVault } from '@tomo/kernel';
import { clientSecretRecord, resolveClientSecret } from './client-secret';
import { oidcProviderSchema } from './oidc-config';

const vault = new SecretVault(randomBytes(32));
const base = { id: 'corp', issuer: 'https://auth.example.com/', clientId: 'tomo' };

test('a sealed secret opens for its own provider record only', () => {
  const config = oidcProviderSchema.parse({ ...base, clientSecret: vault.seal('s3cret-sealed', clientSecretRecord('corp')) });
  expect(resolveClientSecret('corp', config, vault)).toBe('s3cret-sealed');
  expect(() => resolveClientSecret('other', config, vault)).toThrow();
});

test('from an environment variable or a file; a missing variable is named, its value never shown', () => {
  process.env.TOMO_OIDC_TEST_SECRET = 's3cret-env';
  expect(resolveClientSecret('corp', oidcProviderSchema.parse({ ...base, clientSecretEnv: 'TOMO_OIDC_TEST_SECRET' }), vault)).toBe('s3cret-env');
  delete process.env.TOMO_OIDC_TEST_SECRET;
  expect(() => resolveClientSecret('corp', oidcProviderSchema.parse({ ...base, clientSecretEnv: 'TOMO_OIDC_TEST_SECRET' }), vault)).toThrow(/TOMO_OIDC_TEST_SECRET is not set/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oidc-')), 'secret');
  fs.writeFileSync(file, 's3cret-file\n', { mode: 0o600 });
  expect(resolveClientSecret('corp', oidcProviderSchema.parse({ ...base, clientSecretFile: file }), vault)).toBe('s3cret-file');
  expect(resolveClientSecret('corp', oidcProviderSchema.parse(base), vault)).toBeUndefined();
});

test('config: a clear-text clientSecret and two secret sources are refused, naming the field', () => {
  const clear = oidcProviderSchema.safeParse({ ...base, clientSecret: 'plain' });
  expect(clear.error?.issues[0]).toMatchObject({ path: ['clientSecret'], message: expect.stringMatching(/sealed by the vault/) });
  const both = oidcProviderSchema.safeParse({ ...base, clientSecret: 'v1.x', clientSecretEnv: 'X' });
  expect(both.error?.issues[0]).toMatchObject({ path: ['clientSecret'], message: 'give at most one of clientSecret, clientSecretEnv, clientSecretFile' });
});
