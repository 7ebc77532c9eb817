import { Readable } from 'node:stream';
import { Command } from 'commander';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '../tokens';
import { authPlugin } from '../plugin';
import { adminCli } from './admin-command';
import { readPasswordFromStdin } from './read-password';

// The spawned-process tests (test/cli-admin-create.test.ts) prove the command end to end;
// these run it in-process so its branches count towards coverage.

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [authPlugin], listen: false });
});
afterAll(() => t.stop());

function withStdin(text: string, isTTY = false): () => void {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const fake = Object.assign(Readable.from([Buffer.from(text)]), { isTTY });
  Object.defineProperty(process, 'stdin', { value: fake, configurable: true });
  return () => Object.defineProperty(process, 'stdin', original);
}

async function run(args: string[], stdin: string): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  const program = new Command('tomo').exitOverride();
  let stops = 0;
  adminCli(program, async () => ({
    resolve: (token) => t.kernel.resolve(token),
    logger: t.kernel.logger,
    stop: async () => {
      stops++;
    },
  }));
  const out: string[] = [];
  const err: string[] = [];
  const restore = withStdin(stdin);
  const writeOut = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const writeErr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'tomo', 'admin', 'create', ...args]);
  } finally {
    writeOut.mockRestore();
    writeErr.mockRestore();
    restore();
  }
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = undefined;
  expect(stops).toBeLessThanOrEqual(1);
  return { out: out.join(''), err: err.join(''), exitCode };
}

test('creates an admin from --password-stdin', async () => {
  const res = await run(['--username', 'cli-admin', '--email', 'cli@example.com', '--password-stdin'], 'cli-admin-password\n');
  expect(res.err).toBe('');
  expect(res.out).toMatch(/Created admin "cli-admin"/);
  const user = await t.kernel.resolve(AuthTokens.UserService).findByUsername('cli-admin');
  expect(user?.role).toBe('admin');
});

test('validation errors name the field and set a failing exit code', async () => {
  const res = await run(['--username', 'x', '--email', 'cli@example.com', '--password-stdin'], 'cli-admin-password');
  expect(res.exitCode).toBe(2);
  expect(res.err).toMatch(/username: must be 3 to 32 characters/);
});

test('without a terminal and without --password-stdin it refuses', async () => {
  const res = await run(['--username', 'cli-other', '--email', 'cli@example.com'], '');
  expect(res.exitCode).toBe(2);
  expect(res.err).toMatch(/--password-stdin/);
});

test('readPasswordFromStdin keeps inner newlines and drops one trailing newline', async () => {
  expect(await readPasswordFromStdin(Readable.from([Buffer.from('a b\r\n')]))).toBe('a b');
  expect(await readPasswordFromStdin(Readable.from(['multi\nline\n']))).toBe('multi\nline');
});
