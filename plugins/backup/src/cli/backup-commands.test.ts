import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import type { TestKernel } from '@tomo/kernel/testing';
import { addServer, addUser, ADMIN, BACKUP_PASSWORD, login, startBackupKernel, tempDir } from '../../test/support/backup-kernel';
import { decodeValue, encodeValue, upgradeRecord } from '../format/payload';
import { backupCli, undeclaredNote } from './backup-commands';
import { readBackupPassword } from './read-backup-password';

// The spawned-process tests (test/cli-backup.e2e.test.ts) prove the commands end to end; these
// run them in-process so their branches count towards coverage.

let t: TestKernel;
let work: string;
beforeAll(async () => {
  t = await startBackupKernel();
  await addUser(t, ADMIN, 'admin');
  await addServer(t, await login(t, ADMIN), 'alpha');
  work = tempDir('tomo-backup-cli-');
});
afterAll(async () => {
  await t.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  const program = new Command('tomo').exitOverride();
  backupCli(program, async () => ({ resolve: (token) => t.kernel.resolve(token), logger: t.kernel.logger, stop: async () => undefined }));
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const writeOut = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const writeErr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'tomo', ...args]);
  } finally {
    writeOut.mockRestore();
    writeErr.mockRestore();
    process.env = saved;
  }
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out: out.join(''), err: err.join(''), exitCode };
}

test('export then import (dry run and real) through the commands', async () => {
  const file = path.join(work, 'b.enc');
  const exp = await run(['export', '--output', file, '--include-history'], { TOMO_BACKUP_PASSWORD: BACKUP_PASSWORD });
  expect(exp.err).toBe('');
  expect(exp.out).toMatch(/^Exported 1 auth_users/);
  const dry = await run(['import', file, '--dry-run'], { TOMO_BACKUP_PASSWORD: BACKUP_PASSWORD });
  expect(dry.out).toMatch(/Importing would \(conflicts: skip\):/);
  expect(dry.out).toMatch(/Conflicts \(2, kept as they are here\):\n {2}user admin: skip\n {2}server alpha/);
  const real = await run(['import', file, '--on-conflict', 'overwrite'], { TOMO_BACKUP_PASSWORD: BACKUP_PASSWORD });
  expect(real.out).toMatch(/Imported:/);
  expect(real.out).toMatch(/replaced by the backup/);
  expect(real.out).toMatch(/Restart Tomo/);
  const again = await run(['export', '--output', file, '--force'], { TOMO_BACKUP_PASSWORD: 'short' });
  expect(again.exitCode).toBe(2);
  expect(again.err).toBe('tomo export: must be at least 12 characters\n');
  expect(fs.existsSync(`${file}.partial`)).toBe(false);
});

test('password sources: a file (one trailing newline dropped), the environment; a missing file is named', async () => {
  const pw = path.join(work, 'pw');
  fs.writeFileSync(pw, 'from-a-file\n\n');
  expect(await readBackupPassword({ passwordFile: pw, confirm: false }, {})).toBe('from-a-file\n');
  expect(await readBackupPassword({ confirm: false }, { TOMO_BACKUP_PASSWORD: 'from-env' })).toBe('from-env');
  await expect(readBackupPassword({ passwordFile: path.join(work, 'none'), confirm: false }, {})).rejects.toThrow(/--password-file: cannot read .*none \(ENOENT\)/);
});

test('payload values: bytes travel as base64, booleans as 0/1; anything else is refused', () => {
  const bytes = Buffer.from([0, 1, 2]);
  expect(decodeValue(encodeValue(bytes))).toEqual(bytes);
  expect(encodeValue(BigInt(7))).toBe(7);
  expect(decodeValue(true)).toBe(1);
  expect(decodeValue(undefined)).toBeNull();
  expect(() => decodeValue({ nested: 1 })).toThrow(/not a database value/);
  expect(upgradeRecord({ t: 'x' }, 1)).toEqual({ t: 'x' });
});

test('an export names the tables no plugin declares, and says what became of them', () => {
  expect(undeclaredNote(['orphan_notes', 'old_pins'], false)).toBe('Note: no plugin declares orphan_notes, old_pins for backups; not in this backup (--include-history carries them row for row).\n');
  expect(undeclaredNote(['orphan_notes'], true)).toBe('Note: no plugin declares orphan_notes for backups; carried row for row, without matching rules.\n');
});
