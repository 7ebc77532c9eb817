import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeHostKey } from './host-key';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTestbed } = require('../../../../scripts/testbed/testbed.js');

/** The key blob of an OpenSSH `.pub` line (`<type> <base64> [comment]`). */
const blobOf = (pubFile: string): Buffer => Buffer.from(fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/)[1], 'base64');
/** `ssh-keygen -lf` prints `<bits> SHA256:<fp> <comment> (<TYPE>)`. */
const keygen = (pubFile: string): string => execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1];

describe('describeHostKey matches `ssh-keygen -lf`', () => {
  const { ssh } = loadTestbed();
  test.each([
    ['the test bed ed25519 host key', `${ssh.hostKeys.ed25519}.pub`, 'ssh-ed25519'],
    ['the test bed RSA host key', `${ssh.hostKeys.rsa}.pub`, 'ssh-rsa'],
  ])('%s', (_label, pub, algorithm) => {
    const info = describeHostKey(blobOf(pub));
    expect(info).toEqual({ fingerprint: keygen(pub), algorithm });
    expect(info.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  test('a freshly generated ECDSA key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-hostkey-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', path.join(dir, 'k')]);
      expect(describeHostKey(blobOf(path.join(dir, 'k.pub')))).toEqual({ fingerprint: keygen(path.join(dir, 'k.pub')), algorithm: 'ecdsa-sha2-nistp256' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a blob without a readable type still gets a fingerprint; the type is "unknown"', () => {
  for (const blob of [Buffer.alloc(0), Buffer.from([0, 0]), Buffer.from([0, 0, 0, 200, 1, 2]), Buffer.from([0, 0, 0, 0, 1])]) {
    const info = describeHostKey(blob);
    expect(info.algorithm).toBe('unknown');
    expect(info.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  }
});
