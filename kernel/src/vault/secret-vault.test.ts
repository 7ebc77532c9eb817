import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretVault, VaultError } from './secret-vault';

const vault = new SecretVault(randomBytes(32));

test('seal/open round-trips; each seal uses a fresh nonce', () => {
  const a = vault.seal('hunter2-password', 'rec-1');
  const b = vault.seal('hunter2-password', 'rec-1');
  expect(a).not.toBe(b);
  expect(a).not.toContain('hunter2');
  expect(vault.openText(a, 'rec-1')).toBe('hunter2-password');
});

test('a value sealed for one record does not open for another', () => {
  const sealed = vault.seal('secret', 'rec-1');
  expect(() => vault.open(sealed, 'rec-2')).toThrow(VaultError);
});

test('tampering, truncation, another key and unknown formats are refused with messages holding no secret', () => {
  const sealed = vault.seal('top-secret-value', 'rec-1');
  const [v, id, payload] = sealed.split('.');
  const raw = Buffer.from(payload, 'base64');
  raw[raw.length - 20] ^= 1;
  expect(() => vault.open(`${v}.${id}.${raw.toString('base64')}`, 'rec-1')).toThrow(/does not authenticate/);
  expect(() => vault.open(`${v}.${id}.AAAA`, 'rec-1')).toThrow(/truncated/);
  expect(() => new SecretVault(randomBytes(32)).open(sealed, 'rec-1')).toThrow(/another vault key/);
  expect(() => vault.open('plain-text', 'rec-1')).toThrow(/unknown format/);
});

test('the key file is created once with mode 0600 and reused; a readable-by-others key is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-vault-'));
  try {
    const file = path.join(dir, 'secrets', 'vault.key');
    const first = SecretVault.fromKeyFile(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = SecretVault.fromKeyFile(file);
    expect(second.keyId).toBe(first.keyId);
    expect(second.openText(first.seal('x', 'r'), 'r')).toBe('x');
    fs.chmodSync(file, 0o644);
    expect(() => SecretVault.fromKeyFile(file)).toThrow(/chmod 600/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
