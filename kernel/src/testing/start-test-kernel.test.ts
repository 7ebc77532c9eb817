import fs from 'node:fs';
import { definePlugin } from '../plugin/define-plugin';
import { listTables } from '../db/portable-sql';
import { startTestKernel } from './start-test-kernel';
import { dropTestDatabase } from './test-database';

test('a test kernel listens on a free loopback port even when other server settings are given', async () => {
  const a = await startTestKernel({ config: { server: { bodyLimitBytes: 2048 } } });
  const b = await startTestKernel({ config: { server: { bodyLimitBytes: 4096 } } });
  try {
    expect(a.kernel.config.server).toMatchObject({ host: '127.0.0.1', port: 0, bodyLimitBytes: 2048, shutdownGraceMs: 1000 });
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.url).not.toBe(b.url);
    expect((await a.request('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await b.request('GET', '/health')).status).toBe(200);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('log and plugin settings merge with the defaults as well', async () => {
  const t = await startTestKernel({ pluginDirs: ['/nonexistent-plugins'], config: { log: { level: 'warn' }, plugins: { disabled: ['x'] } }, listen: false });
  try {
    expect(t.kernel.config.log).toEqual({ level: 'warn', pretty: false, targets: ['file'] });
    expect(t.kernel.config.plugins).toEqual({ dirs: ['/nonexistent-plugins'], disabled: ['x'] });
    expect(t.url).toBe('');
  } finally {
    await t.stop();
  }
});

test('stop() removes the temp data folder unless asked to keep it; a given folder is never removed', async () => {
  const t = await startTestKernel({ listen: false });
  await t.stop();
  expect(fs.existsSync(t.dataDir)).toBe(false);

  // Kept data is found again by a kernel on the same folder (its SQLite file, or on PostgreSQL
  // its database, remembered in the folder): a table made before the stop is still there.
  const kept = await startTestKernel({ listen: false });
  await kept.kernel.dataSource.query('CREATE TABLE "kept_marker" ("x" integer)');
  await kept.stop({ keepData: true });
  expect(fs.existsSync(kept.dataDir)).toBe(true);
  const reused = await startTestKernel({ listen: false, dataDir: kept.dataDir });
  expect(await listTables(reused.kernel.dataSource)).toContain('kept_marker');
  await reused.stop();
  expect(fs.existsSync(kept.dataDir)).toBe(true);
  await dropTestDatabase(kept.dataDir);
  fs.rmSync(kept.dataDir, { recursive: true, force: true });
});

test('a refused start removes its temp data folder and rethrows', async () => {
  const mkdtemp = jest.spyOn(fs, 'mkdtempSync'); // observes only: the real function runs
  try {
    await expect(startTestKernel({ plugins: [definePlugin({ id: 'x', dependsOn: ['y'] })] })).rejects.toThrow('Plugin "x" depends on "y"');
    const dataDir = mkdtemp.mock.results[0].value as string;
    expect(dataDir).toContain('tomo-test-');
    expect(fs.existsSync(dataDir)).toBe(false);
  } finally {
    mkdtemp.mockRestore();
  }
});

test('request() sends raw bodies and extra headers, and returns non-JSON text as is', async () => {
  const t = await startTestKernel();
  try {
    const res = await t.request('GET', '/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    expect(typeof res.body).toBe('string');
  } finally {
    await t.stop();
  }
});
