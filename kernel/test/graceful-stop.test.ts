import net from 'node:net';
import { z } from 'zod';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { connectMcp } from './support/mcp-client';
import { dropTestDatabase } from '../src/testing/test-database';
import { databaseHandles, databaseHandlesAfterClose, tablesIn } from './support/database-handles';
import { makeTempDir, removeTempDirs } from './support/temp-dir';
import { USER_TOKEN, testAuthPlugin } from './support/test-auth';
import { testNotesPlugin } from './support/notes-plugin';

afterAll(removeTempDirs);

// Unref'd: a handler cut off by the stop must not keep the test process alive.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Routes and a tool that take a while, to have work in flight when stop() is called. */
const slowPlugin = definePlugin({
  id: 'slow',
  init(ctx) {
    ctx.http.route({
      method: 'GET',
      path: '/api/slow',
      summary: 'Answers after ?ms',
      access: 'public',
      query: z.object({ ms: z.coerce.number().int() }),
      response: z.object({ waited: z.number() }),
      handler: async ({ query }) => {
        await sleep(query.ms);
        return { waited: query.ms };
      },
    });
    ctx.mcp.tool({
      name: 'slow_tool',
      description: 'Answers after a while',
      access: 'public',
      input: z.object({ ms: z.number().int() }),
      handler: async ({ ms }) => {
        await sleep(ms);
        return { waited: ms };
      },
    });
  },
});

test('stop() closes the HTTP server and the database; a second stop() is a no-op', async () => {
  const shutdowns: string[] = [];
  const dataDir = makeTempDir();
  const t = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin, definePlugin({ id: 'counted', shutdown: () => void shutdowns.push('x') })], dataDir });
  const dataSource = t.kernel.dataSource;
  expect((await fetch(`${t.url}/health`)).status).toBe(200);
  expect(await databaseHandles(dataDir)).toBeGreaterThan(0);

  const first = t.kernel.stop();
  expect(t.kernel.stop()).toBe(first);
  await first;
  await t.kernel.stop();

  expect(shutdowns).toEqual(['x']);
  expect(dataSource.isInitialized).toBe(false);
  expect(await databaseHandlesAfterClose(dataDir)).toBe(0);
  await expect(fetch(`${t.url}/health`)).rejects.toThrow();
  expect(t.logs().filter((l) => l.includes('"msg":"Tomo stopped"'))).toHaveLength(1);
  // The database file is intact and reusable after a clean stop.
  const again = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin], dataDir, listen: false });
  expect(await again.kernel.dataSource.query('SELECT COUNT(*) AS "n" FROM "test_notes"')).toEqual([{ n: 0 }]);
  await again.stop();
  await dropTestDatabase(dataDir);
});

test('requests in flight when stop() is called still get their answer', async () => {
  const t = await startTestKernel({ plugins: [slowPlugin], config: { server: { shutdownGraceMs: 5000 } } });
  const inFlight = fetch(`${t.url}/api/slow?ms=300`).then(async (r) => ({ status: r.status, body: await r.json() }));
  await sleep(50);
  const started = Date.now();
  await t.stop();
  expect(await inFlight).toEqual({ status: 200, body: { waited: 300 } });
  expect(Date.now() - started).toBeLessThan(2000);
});

test('an MCP tool call in flight finishes; a connected MCP client does not hold the stop for the grace period', async () => {
  const t = await startTestKernel({ plugins: [testAuthPlugin, slowPlugin], config: { server: { shutdownGraceMs: 10000 } } });
  const mcp = await connectMcp(t.url, USER_TOKEN);
  mcp.transport.onerror = () => undefined; // the client's stream reconnects are refused while stopping
  try {
    await mcp.client.listTools();
    await sleep(100); // let the client open its standalone SSE stream
    const call = mcp.client.callTool({ name: 'slow_tool', arguments: { ms: 300 } });
    await sleep(50);
    const started = Date.now();
    await t.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await call).structuredContent).toEqual({ waited: 300 });
  } finally {
    await mcp.close();
  }
});

test('connections that are idle, or were opened and never used, do not hold the stop', async () => {
  const t = await startTestKernel({ plugins: [slowPlugin], config: { server: { shutdownGraceMs: 10000 } } });
  const { port } = new URL(t.url);
  // A keep-alive connection that served a request, and one that never sent a byte (browsers
  // and HTTP clients open these ahead of use).
  expect((await fetch(`${t.url}/api/slow?ms=0`)).status).toBe(200);
  const unused = net.connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => unused.once('connect', resolve));
  const unusedClosed = new Promise((resolve) => unused.once('close', resolve));
  const started = Date.now();
  await t.stop();
  expect(Date.now() - started).toBeLessThan(1000);
  await unusedClosed;
});

test('a request that outlasts server.shutdownGraceMs is cut off when the grace period ends', async () => {
  const t = await startTestKernel({ plugins: [slowPlugin], config: { server: { shutdownGraceMs: 200 } } });
  const inFlight = fetch(`${t.url}/api/slow?ms=3000`).then(
    (r) => `answered ${r.status}`,
    (err: Error) => `failed: ${err.message}`,
  );
  await sleep(50);
  const started = Date.now();
  await t.stop();
  const elapsed = Date.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(150);
  expect(elapsed).toBeLessThan(1500);
  expect(await inFlight).toBe('failed: fetch failed');
});

test('a refused start releases the database it had opened', async () => {
  const dataDir = makeTempDir();
  const clash = (id: string) => definePlugin({ id, migrations: [], init: (ctx) => ctx.http.route({ method: 'GET', path: '/api/clash', summary: 'x', access: 'public', handler: () => ({}) }) });
  await expect(startTestKernel({ plugins: [testNotesPlugin, clash('one'), clash('two')], dataDir })).rejects.toThrow('registered by both "one" and "two"');
  // The database is released (no file open; on PostgreSQL, no connection left)...
  expect(await databaseHandlesAfterClose(dataDir)).toBe(0);
  // ...though it had been open: the migration ran before init was refused.
  expect(await tablesIn(dataDir)).toContain('test_notes');
  await dropTestDatabase(dataDir);
});
