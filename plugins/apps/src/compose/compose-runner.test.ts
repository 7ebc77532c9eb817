import type { ServerHandle } from '@tomo/plugin-servers/api';
import { InstallFailure } from '../services/installer';
import { ComposeRunner } from './compose-runner';

/*
 * The runner's error paths with a stand-in handle (the success paths run on real sshd + Docker in
 * test/compose-deploy.e2e.test.ts): what a failing command or upload becomes.
 */

const SECRET = 'pa$$w0rd-Secret';
const target = { program: 'docker compose' as const, project: 'tomo-x-abc123', file: '/home/u/.tomo/apps/tomo-x-abc123/compose.yaml' };

function fakeHandle(exec: ServerHandle['exec'], upload: ServerHandle['upload'] = async () => undefined): { handle: ServerHandle; calls: string[][] } {
  const calls: string[][] = [];
  const handle = {
    info: { name: 's1' },
    exec: async (argv: readonly string[], options?: unknown) => {
      calls.push([...argv]);
      return exec(argv, options as never);
    },
    upload,
  } as unknown as ServerHandle;
  return { handle, calls };
}

const result = (exitCode: number, stderr = '', stdout = '') => ({ exitCode, signal: null, stdout, stderr, truncated: false, durationMs: 1 });

test("a failing Compose command is an InstallFailure with Compose's words and no secret, raw or as written in the file", async () => {
  const { handle } = fakeHandle(async () => result(1, `Error response from daemon: env DB_PASSWORD=${SECRET} and ${SECRET.replaceAll('$', '$$$$')} rejected`));
  const runner = new ComposeRunner(handle, target, { secrets: [SECRET], stopTimeoutSeconds: 5 });
  const failure = await runner.up(30).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(InstallFailure);
  expect((failure as Error).message).toBe('Could not start the app: Error response from daemon: env DB_PASSWORD=[secret] and [secret] rejected');
  expect((failure as Error).message).not.toContain('w0rd');
});

test('a long error keeps its end (where Compose says why), and an empty one says how the command ended', async () => {
  const { handle } = fakeHandle(async () => result(1, `${'x'.repeat(5000)} the real reason`));
  const runner = new ComposeRunner(handle, target, { secrets: [], stopTimeoutSeconds: 5 });
  const message = ((await runner.stop().catch((err: unknown) => err)) as Error).message;
  expect(message.length).toBeLessThan(700);
  expect(message).toMatch(/^Could not stop the app: …x+ the real reason$/);
  const silent = new ComposeRunner(fakeHandle(async () => result(137)).handle, target, { secrets: [], stopTimeoutSeconds: 5 });
  expect(((await silent.start().catch((err: unknown) => err)) as Error).message).toBe('Could not start the app: exit code 137');
});

test('an SSH failure is an InstallFailure too, without secrets', async () => {
  const { handle } = fakeHandle(async () => {
    throw new Error(`connection lost while sending ${SECRET}`);
  });
  const runner = new ComposeRunner(handle, target, { secrets: [SECRET], stopTimeoutSeconds: 5 });
  expect(((await runner.create().catch((err: unknown) => err)) as Error).message).toBe('Could not create the containers on the server: connection lost while sending [secret]');
});

test('the file is written with 0600 when it holds secrets (0644 otherwise) after its folder is made private; an upload failure names the file', async () => {
  const uploads: Array<[string, number | undefined]> = [];
  const { handle, calls } = fakeHandle(async () => result(0), async (remotePath, _data, options) => {
    uploads.push([remotePath, options?.mode]);
  });
  const runner = new ComposeRunner(handle, target, { secrets: [], stopTimeoutSeconds: 5 });
  await runner.writeFile('services: {}\n', true);
  await runner.writeFile('services: {}\n', false);
  expect(calls[0]).toEqual(['install', '-d', '-m', '0700', '--', '/home/u/.tomo/apps/tomo-x-abc123']);
  expect(uploads).toEqual([[target.file, 0o600], [target.file, 0o644]]);

  const refused = new ComposeRunner(fakeHandle(async () => result(0), async () => Promise.reject(new Error('permission denied'))).handle, target, { secrets: [], stopTimeoutSeconds: 5 });
  expect(((await refused.writeFile('x', true).catch((err: unknown) => err)) as Error).message).toBe(`The compose file could not be written to ${target.file}: permission denied`);
});

test('down removes the project folder after Compose, unless asked to keep it; with volumes it says --volumes', async () => {
  const { handle, calls } = fakeHandle(async () => result(0));
  const runner = new ComposeRunner(handle, target, { secrets: [], stopTimeoutSeconds: 5 });
  await runner.down(true);
  await runner.down(false, { keepFolder: true });
  expect(calls.map((c) => (c[0] === 'docker' ? c.slice(6) : c).join(' '))).toEqual([
    'down --remove-orphans --timeout 5 --volumes',
    'rm -rf -- /home/u/.tomo/apps/tomo-x-abc123',
    'down --remove-orphans --timeout 5',
  ]);
});
