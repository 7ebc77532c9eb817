import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { closeLogger, createLogger } from '../src/log/create-logger';

test('closing a logger releases the file; later lines (also from children) are dropped, not thrown', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-log-'));
  try {
    const log = createLogger({ logDir: dir, level: 'info', pretty: false });
    const child = log.child({ plugin: 'x' });
    log.info('before close');
    closeLogger(log);
    expect(() => {
      log.info('after close');
      child.warn('child after close');
    }).not.toThrow();
    const text = fs.readFileSync(path.join(dir, 'tomo.log'), 'utf8');
    expect(text).toContain('before close');
    expect(text).not.toContain('after close');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('capitalised Authorization and Cookie fields are redacted too', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-log-'));
  try {
    const log = createLogger({ logDir: dir, level: 'info', pretty: false });
    log.info({ headers: { authorization: 'Bearer lower-secret' }, Authorization: 'Bearer upper-secret', Cookie: 'tomo_session=cookie-secret' }, 'headers');
    closeLogger(log);
    const text = fs.readFileSync(path.join(dir, 'tomo.log'), 'utf8');
    for (const secret of ['lower-secret', 'upper-secret', 'cookie-secret']) expect(text).not.toContain(secret);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the id "kernel" is reserved', async () => {
  await expect(startTestKernel({ plugins: [definePlugin({ id: 'kernel' })] })).rejects.toThrow(/reserved id "kernel"/);
});
