import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateJwtSecret } from './jwt-keys';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-jwt-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('generates 64 random bytes once (mode 0600) and reuses them', () => {
  const first = loadOrCreateJwtSecret(dir);
  expect(first).toHaveLength(64);
  const file = path.join(dir, 'secrets', 'jwt-secret');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(loadOrCreateJwtSecret(dir).equals(first)).toBe(true);
  expect(loadOrCreateJwtSecret(fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-jwt-other-'))).equals(first)).toBe(false);
});

test('refuses a secret file that is too short instead of signing with a weak key', () => {
  fs.mkdirSync(path.join(dir, 'secrets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'secrets', 'jwt-secret'), Buffer.from('short').toString('base64'));
  expect(() => loadOrCreateJwtSecret(dir)).toThrow(/fewer than 32 bytes/);
});
