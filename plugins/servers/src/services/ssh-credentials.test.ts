import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '@tomo/kernel';
import { checkCredentials } from './ssh-credentials';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTestbed } = require('../../../../scripts/testbed/testbed.js');

const { ssh } = loadTestbed();
const key = (file: string): string => fs.readFileSync(file, 'utf8');

/** The 400 `checkCredentials` throws: { field, message }. */
function refusal(fn: () => unknown): { status: number; field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    return { status: e.status, field: e.field, message: e.message };
  }
  throw new Error('expected a refusal');
}

test('a password', () => {
  expect(checkCredentials('password', { password: 'pw' })).toEqual({ type: 'password', password: 'pw' });
  expect(refusal(() => checkCredentials('password', {}))).toMatchObject({ status: 400, field: 'credentials.password' });
  expect(refusal(() => checkCredentials('password', { password: 'pw', privateKey: key(ssh.keys.ed25519) }))).toMatchObject({ field: 'credentials.privateKey' });
  expect(refusal(() => checkCredentials('password', { password: 'pw', passphrase: 'pp' }))).toMatchObject({ field: 'credentials.passphrase' });
});

test.each([
  ['ed25519 (OpenSSH format)', ssh.keys.ed25519],
  ['RSA (OpenSSH format)', ssh.keys.rsa],
])('an unencrypted %s key', (_label, file) => {
  expect(checkCredentials('key', { privateKey: key(file) })).toEqual({ type: 'key', privateKey: key(file) });
});

test('an encrypted key with its passphrase; without it or with a wrong one: credentials.passphrase', () => {
  const enc = key(ssh.keys.ed25519Encrypted);
  const pass = ssh.keys.ed25519EncryptedPassphrase;
  expect(checkCredentials('key', { privateKey: enc, passphrase: pass })).toEqual({ type: 'key', privateKey: enc, passphrase: pass });
  expect(refusal(() => checkCredentials('key', { privateKey: enc }))).toMatchObject({ status: 400, field: 'credentials.passphrase', message: expect.stringMatching(/is encrypted; give its passphrase/) });
  expect(refusal(() => checkCredentials('key', { privateKey: enc, passphrase: '' }))).toMatchObject({ field: 'credentials.passphrase' });
  const wrong = refusal(() => checkCredentials('key', { privateKey: enc, passphrase: `${pass}x` }));
  expect(wrong).toMatchObject({ field: 'credentials.passphrase', message: 'credentials.passphrase: does not decrypt the private key' });
  expect(wrong.message).not.toContain(pass);
});

test('PEM keys: RSA (traditional, encrypted too) and ECDSA', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-keys-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', path.join(dir, 'rsa')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'pem-pass', '-f', path.join(dir, 'rsa_enc')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-m', 'PEM', '-N', '', '-f', path.join(dir, 'ecdsa')]);
    expect(key(path.join(dir, 'rsa'))).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(checkCredentials('key', { privateKey: key(path.join(dir, 'rsa')) }).type).toBe('key');
    expect(checkCredentials('key', { privateKey: key(path.join(dir, 'ecdsa')) }).type).toBe('key');
    expect(checkCredentials('key', { privateKey: key(path.join(dir, 'rsa_enc')), passphrase: 'pem-pass' })).toMatchObject({ passphrase: 'pem-pass' });
    expect(refusal(() => checkCredentials('key', { privateKey: key(path.join(dir, 'rsa_enc')) }))).toMatchObject({ field: 'credentials.passphrase' });
    expect(refusal(() => checkCredentials('key', { privateKey: key(path.join(dir, 'rsa_enc')), passphrase: 'nope' }))).toMatchObject({ field: 'credentials.passphrase' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a public key pasted instead of the private one', () => {
  for (const file of [`${ssh.keys.ed25519}.pub`, `${ssh.keys.rsa}.pub`]) {
    expect(refusal(() => checkCredentials('key', { privateKey: key(file) }))).toMatchObject({ status: 400, field: 'credentials.privateKey', message: expect.stringMatching(/is a public key/) });
  }
});

test('garbage, a truncated key, a missing key, a password sent with a key', () => {
  const ed = key(ssh.keys.ed25519);
  for (const privateKey of ['not a key at all', ed.slice(0, ed.length / 2), ed.replace(/[A-Za-z]{8}/, 'AAAAAAAA')]) {
    expect(refusal(() => checkCredentials('key', { privateKey }))).toMatchObject({ status: 400, field: 'credentials.privateKey', message: expect.stringMatching(/not a supported private key/) });
  }
  expect(refusal(() => checkCredentials('key', {}))).toMatchObject({ field: 'credentials.privateKey' });
  expect(refusal(() => checkCredentials('key', { privateKey: ed, password: 'pw' }))).toMatchObject({ field: 'credentials.password' });
});
