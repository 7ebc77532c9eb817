import fs from 'node:fs';
import path from 'node:path';
import { buildKernel, finished, spawnTomo, useTomoCommand, waitForOk, writeTomoCommand } from './support/processes';
import { makeTempDir, removeTempDirs, writePluginPackage } from './support/temp-dir';
import { freePort } from '../../test-support/ports';

// `tomo serve` as a real child process whose stdout is a pipe, not a terminal: what systemd gives
// it, so what the journal would receive. The command is the compiled kernel with the built auth
// plugin (which prints the first-run setup code) as its only built-in.
jest.setTimeout(60000);

beforeAll(async () => {
  await buildKernel();
  useTomoCommand(writeTomoCommand(makeTempDir('tomo-logs-dist-')));
}, 120000);
afterAll(removeTempDirs);

/** A third-party plugin that logs a secret under every kind of field the redaction covers. */
function writeLeakyPlugin(dir: string): void {
  writePluginPackage(
    dir,
    'fixture-leaky',
    { name: 'fixture-leaky' },
    `const { definePlugin } = require('@tomo/kernel');
module.exports = definePlugin({
  id: 'fixture-leaky',
  init(ctx) {
    ctx.logger.warn({ password: 'SECRET-pw', nested: { token: 'SECRET-token', deeper: { privateKey: 'SECRET-key' } } }, 'leaky plugin logged its secrets');
  },
});
`,
  );
}

/** Runs `tomo serve` until it answers, lets `act` talk to it, stops it with SIGTERM; its stdout split in JSON and other lines. */
async function serve(env: Record<string, string>, act: (base: string, stdoutSoFar: () => string) => Promise<void> = async () => undefined) {
  const port = await freePort();
  const child = spawnTomo(['serve', '--port', String(port)], env);
  try {
    await waitForOk(`http://127.0.0.1:${port}/health`);
    await act(`http://127.0.0.1:${port}`, () => child.output.stdout);
  } finally {
    child.kill('SIGTERM');
  }
  const result = await finished(child, 10000);
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n').filter(Boolean);
  const json = lines.filter((l) => l.startsWith('{'));
  return { result, json, other: lines.filter((l) => !l.startsWith('{')) };
}

function fileLines(dataDir: string): string[] {
  return fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8').split('\n').filter(Boolean);
}

test('without a terminal, by default: the same JSON lines on stdout as in the file, the setup code among them (it works), secrets redacted on both', async () => {
  const dataDir = makeTempDir('tomo-logs-default-');
  const pluginDir = makeTempDir('tomo-logs-plugins-');
  writeLeakyPlugin(pluginDir);
  let setupStatus = 0;
  const { result, json, other } = await serve({ TOMO_DATA_DIR: dataDir, TOMO_PLUGIN_DIRS: pluginDir }, async (base, stdoutSoFar) => {
    // The code is read back from what the journal would show, and used.
    const code = /enter the setup code (\S+)"/.exec(stdoutSoFar())?.[1];
    expect(code).toBeDefined();
    const res = await fetch(`${base}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ setupCode: code, username: 'ops', email: 'ops@example.com', password: 'a-long-setup-password' }),
    });
    setupStatus = res.status;
  });
  expect(setupStatus).toBe(201);
  // Besides the JSON lines, only the one line `tomo serve` always prints.
  expect(other).toEqual([expect.stringMatching(/^Tomo \d+\.\d+\.\d+ listening on http:\/\/127\.0\.0\.1:\d+ \(data: .+\)$/)]);
  expect(json).toEqual(fileLines(dataDir));
  const messages = json.map((l) => JSON.parse(l) as { msg: string; level: number });
  const setup = messages.find((m) => m.msg.includes('enter the setup code'));
  expect(setup).toMatchObject({ level: 40, plugin: 'auth' });
  expect(messages.map((m) => m.msg)).toEqual(expect.arrayContaining(['leaky plugin logged its secrets', 'Received SIGTERM; shutting down', 'Tomo stopped']));
  const leaky = messages.find((m) => m.msg === 'leaky plugin logged its secrets');
  expect(leaky).toMatchObject({ password: '[redacted]', nested: { token: '[redacted]', deeper: { privateKey: '[redacted]' } } });
  expect(result.stdout).not.toContain('SECRET-');
  expect(fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8')).not.toContain('SECRET-');
  // The password the admin chose reaches neither target either.
  expect(result.stdout).not.toContain('a-long-setup-password');
});

test('log.targets chooses: [file] leaves stdout to the one start line; [stdout] writes no log file', async () => {
  const fileOnly = makeTempDir('tomo-logs-file-');
  const a = await serve({ TOMO_DATA_DIR: fileOnly, TOMO_LOG_TARGETS: 'file' });
  expect(a.json).toEqual([]);
  expect(a.other).toHaveLength(1);
  expect(fileLines(fileOnly).join('\n')).toContain('enter the setup code');

  const stdoutOnly = makeTempDir('tomo-logs-stdout-');
  const b = await serve({ TOMO_DATA_DIR: stdoutOnly, TOMO_LOG_TARGETS: 'stdout' });
  expect(b.json.join('\n')).toContain('enter the setup code');
  expect(b.json.join('\n')).toContain('"msg":"Tomo stopped"');
  expect(fs.existsSync(path.join(stdoutOnly, 'logs', 'tomo.log'))).toBe(false);
});

test('a one-shot command keeps its stdout for its answer even when the config asks for stdout logging', async () => {
  const dataDir = makeTempDir('tomo-logs-migrate-');
  const child = spawnTomo(['migrate'], { TOMO_DATA_DIR: dataDir, TOMO_LOG_TARGETS: 'file,stdout' });
  const result = await finished(child, 20000);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(`Database SQLite ${dataDir}/tomo.db is up to date\n`);
  expect(fileLines(dataDir).join('\n')).toContain('database migration');
});
