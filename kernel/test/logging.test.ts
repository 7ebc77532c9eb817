import fs from 'node:fs';
import path from 'node:path';
import { definePlugin, SECRET_FIELD_NAMES } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { makeTempDir, removeTempDirs } from './support/temp-dir';
import { ADMIN_TOKEN, testAuthPlugin } from './support/test-auth';

afterAll(removeTempDirs);

/** Starts a kernel, lets `act` log, stops it, and returns the lines of <dataDir>/logs/tomo.log. */
async function logFileAfter(act: (log: import('pino').Logger, request: (p: string) => Promise<unknown>) => Promise<void> | void, config: Record<string, unknown> = {}): Promise<string[]> {
  const dataDir = makeTempDir();
  const t = await startTestKernel({ plugins: [testAuthPlugin], dataDir, config });
  try {
    await act(t.kernel.logger, (p) => t.request('GET', p, { token: ADMIN_TOKEN }));
  } finally {
    await t.stop();
  }
  return fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8').split('\n').filter(Boolean);
}

test('secrets logged through the kernel logger never reach the log file', async () => {
  const lines = await logFileAfter((log) => {
    log.info({ password: 'x', nested: { token: 'y' } }, 'login attempt');
  });
  const line = JSON.parse(lines.find((l) => l.includes('login attempt'))!);
  expect(line.password).toBe('[redacted]');
  expect(line.nested).toEqual({ token: '[redacted]' });
  expect(lines.join('\n')).not.toMatch(/"(password|token)":"[xy]"/);
});

test('every secret field name is redacted at the top level and up to three levels down, in plugin loggers too', async () => {
  const marker = (name: string, depth: number) => `SECRET-${name}-${depth}`;
  const plugin = definePlugin({
    id: 'chatty',
    init(ctx) {
      for (const name of SECRET_FIELD_NAMES) {
        ctx.logger.warn({ [name]: marker(name, 0), a: { [name]: marker(name, 1), b: { [name]: marker(name, 2), c: { [name]: marker(name, 3) } } } }, `fields ${name}`);
      }
      ctx.logger.info({ req: { headers: { authorization: 'Bearer SECRET-header', cookie: 'tomo_session=SECRET-cookie' } }, res: { headers: { 'set-cookie': 'SECRET-set-cookie' } } }, 'http exchange');
    },
  });
  const dataDir = makeTempDir();
  const t = await startTestKernel({ plugins: [plugin], dataDir });
  await t.stop();
  const text = fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8');
  for (const name of SECRET_FIELD_NAMES) expect(text).toContain(`fields ${name}`);
  expect(text).toContain('http exchange');
  expect(text).not.toContain('SECRET-');
  expect(text.match(/\[redacted\]/g)!.length).toBe(SECRET_FIELD_NAMES.length * 4 + 3);
  // The same holds for the stream tests read (it gets the same, redacted, lines).
  expect(t.logs().join('\n')).not.toContain('SECRET-');
});

test('bearer tokens sent over HTTP are not logged; requests are logged by method, path and status', async () => {
  const lines = await logFileAfter(async (_log, request) => {
    await request('/api/status');
  });
  const access = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.path === '/api/status');
  expect(access).toMatchObject({ method: 'GET', status: 200, component: 'http' });
  expect(lines.join('\n')).not.toContain(ADMIN_TOKEN);
});

test('log.level filters what is written', async () => {
  const lines = await logFileAfter(
    (log) => {
      log.info('quiet info');
      log.warn('loud warning');
    },
    { log: { level: 'warn' } },
  );
  expect(lines.some((l) => l.includes('quiet info'))).toBe(false);
  expect(lines.some((l) => l.includes('loud warning'))).toBe(true);
});

test('logDir can live outside the data folder', async () => {
  const logDir = path.join(makeTempDir(), 'nested', 'logs');
  const t = await startTestKernel({ config: { logDir }, listen: false });
  t.kernel.logger.info('elsewhere');
  await t.stop();
  expect(fs.readFileSync(path.join(logDir, 'tomo.log'), 'utf8')).toContain('"msg":"elsewhere"');
});
