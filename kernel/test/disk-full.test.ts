/**
 * A full disk under the data folder: a write SQLite refuses (SQLITE_FULL) or a file write that
 * fails with ENOSPC answers 507 `insufficient_storage` as clean JSON over HTTP (and the same error
 * over MCP), is logged for the operator, and reads keep working; a log file that cannot be
 * written never throws into the code that logs. The real thing (a tmpfs filled while `tomo serve`
 * runs) is scripts/security/faults-disk.e2e.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { createLogger, closeLogger } from '../src/log/create-logger';
import { isDiskFull, toAppError } from '../src/http/error-middleware';

const fillerPlugin = definePlugin({
  id: 'filler',
  init(ctx) {
    ctx.http.route({
      method: 'POST',
      path: '/api/filler',
      summary: 'Writes a 64 kB row into a database that may not grow',
      access: 'public',
      response: z.object({ ok: z.boolean() }),
      handler: async () => {
        await ctx.dataSource.query('CREATE TABLE IF NOT EXISTS filler_rows (id INTEGER PRIMARY KEY, data BLOB)');
        await ctx.dataSource.query('INSERT INTO filler_rows (data) VALUES (zeroblob(65536))');
        return { ok: true };
      },
    });
    ctx.http.route({
      method: 'GET',
      path: '/api/filler',
      summary: 'Counts the rows',
      access: 'public',
      response: z.object({ rows: z.number() }),
      handler: async () => ({ rows: Number((await ctx.dataSource.query('SELECT count(*) AS n FROM filler_rows'))[0].n) }),
    });
    ctx.http.route({
      method: 'POST',
      path: '/api/filler/file',
      summary: 'Writes a file on a device that is always full',
      access: 'public',
      response: z.object({ ok: z.boolean() }),
      handler: () => {
        fs.writeFileSync('/dev/full', 'x');
        return { ok: true };
      },
    });
  },
});

describe('a full disk over HTTP', () => {
  let t: TestKernel;
  beforeAll(async () => {
    t = await startTestKernel({ plugins: [fillerPlugin] });
  });
  afterAll(() => t?.stop());

  test('SQLITE_FULL answers 507 insufficient_storage as JSON, logged; reads keep working; writes work again once there is room', async () => {
    expect((await t.request('POST', '/api/filler')).status).toBe(200);
    // The database may not grow past its current size: SQLite answers SQLITE_FULL, as on a full disk.
    const pages = Number((await t.kernel.dataSource.query('PRAGMA page_count'))[0].page_count);
    await t.kernel.dataSource.query(`PRAGMA max_page_count = ${pages}`);
    let res = await t.request('POST', '/api/filler');
    for (let i = 0; i < 50 && res.status === 200; i++) res = await t.request('POST', '/api/filler');
    expect(res.status).toBe(507);
    expect(res.body).toEqual({ error: { code: 'insufficient_storage', message: expect.stringMatching(/out of disk space.*free some space/) } });
    expect(t.logs().some((l) => /out of disk space/.test(l) && /"path":"\/api\/filler"/.test(l))).toBe(true);
    expect(t.logs().some((l) => /Unhandled error/.test(l))).toBe(false);
    const read = await t.request('GET', '/api/filler');
    expect(read.status).toBe(200);
    const rows = read.body.rows;
    await t.kernel.dataSource.query('PRAGMA max_page_count = 1073741823');
    expect((await t.request('POST', '/api/filler')).status).toBe(200);
    expect((await t.request('GET', '/api/filler')).body.rows).toBe(rows + 1);
  });

  test('ENOSPC from a file write is the same 507', async () => {
    const res = await t.request('POST', '/api/filler/file');
    expect(res.status).toBe(507);
    expect(res.body.error.code).toBe('insufficient_storage');
  });
});

test('isDiskFull and toAppError recognise better-sqlite3, TypeORM and file-system shapes, nothing else', () => {
  expect(isDiskFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
  expect(isDiskFull(Object.assign(new Error('query failed'), { driverError: { code: 'SQLITE_FULL' } }))).toBe(true);
  expect(isDiskFull(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))).toBe(true);
  expect(isDiskFull(Object.assign(new Error('locked'), { code: 'SQLITE_BUSY' }))).toBe(false);
  expect(isDiskFull(undefined)).toBe(false);
  expect(toAppError(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))?.status).toBe(507);
  expect(toAppError(new Error('x'))).toBeUndefined();
});

test('a log file that cannot be written (ENOSPC) never throws into the caller; stderr says so once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-log-full-'));
  fs.symlinkSync('/dev/full', path.join(dir, 'tomo.log'));
  const said: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    said.push(String(chunk));
    return true;
  });
  try {
    const logger = createLogger({ logDir: dir, level: 'info', pretty: false });
    for (let i = 0; i < 100; i++) expect(() => logger.error({ i, detail: 'x'.repeat(20000) }, 'something went wrong')).not.toThrow();
    closeLogger(logger);
  } finally {
    write.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(said.filter((s) => /cannot write its log file/.test(s))).toHaveLength(1);
  expect(said.join('')).toMatch(/tomo\.log: ENOSPC/);
});
