/**
 * The OpenAPI document cannot drift from what routes send: a test kernel checks every JSON
 * answer against the route's `response` schema, and a route without one must answer 204 (that
 * is what the document says). Production skips the check (it costs a parse per request).
 */
import { z } from 'zod';
import { definePlugin, Kernel, loadConfig } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { makeTempDir, removeTempDirs } from './support/temp-dir';

afterAll(removeTempDirs);

const contractPlugin = definePlugin({
  id: 'contract',
  init(ctx) {
    const route = (path: string, response: z.ZodType | undefined, answer: () => unknown) =>
      ctx.http.route({ method: 'GET', path, summary: path, access: 'public', ...(response ? { response } : {}), handler: answer });
    route('/api/contract/kept', z.object({ count: z.number(), at: z.string() }), () => ({ count: 3, at: new Date(0) }));
    route('/api/contract/wrong-type', z.object({ count: z.number() }), () => ({ count: '3' }));
    route('/api/contract/undeclared', undefined, () => ({ secretShape: true }));
    route('/api/contract/extra-field', z.object({ servers: z.array(z.object({ name: z.string() })) }), () => ({ servers: [{ name: 'a' }, { name: 'b', passwordHash: 'secretShape' }] }));
    route('/api/contract/empty', undefined, () => undefined);
    route('/api/contract/missing-body', z.object({ count: z.number() }), () => undefined);
  },
});

test('a test kernel answers 500 naming the route and the field when an answer breaks its documented shape', async () => {
  const t = await startTestKernel({ plugins: [contractPlugin] });
  try {
    // Dates are compared as the client gets them (ISO strings).
    expect(await t.request('GET', '/api/contract/kept')).toMatchObject({ status: 200, body: { count: 3, at: '1970-01-01T00:00:00.000Z' } });
    expect((await t.request('GET', '/api/contract/empty')).status).toBe(204);
    for (const [path, logged] of [
      ['/api/contract/wrong-type', 'Route GET /api/contract/wrong-type answered a body that does not match its response schema: count: Invalid input: expected number, received string'],
      ['/api/contract/undeclared', 'Route GET /api/contract/undeclared answered a body but declares no response schema (the OpenAPI document says 204)'],
      ['/api/contract/extra-field', 'Route GET /api/contract/extra-field answered a field its response schema does not declare: servers[1].passwordHash'],
      ['/api/contract/missing-body', 'Route GET /api/contract/missing-body answered 204 but declares a response schema'],
    ]) {
      const res = await t.request('GET', path);
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('secretShape');
      expect(t.logs().join('\n')).toContain(logged);
    }
    // The document: a schema where there is one, 204 where there is none.
    const paths = (await t.request('GET', '/api/openapi.json')).body.paths;
    expect(Object.keys(paths['/api/contract/kept'].get.responses)).toContain('200');
    expect(paths['/api/contract/empty'].get.responses['204']).toEqual({ description: 'Done; no content' });
    expect(paths['/api/contract/empty'].get.responses['200']).toBeUndefined();
  } finally {
    await t.stop();
  }
});

test('production does not check: the same routes answer as their handlers say', async () => {
  const dataDir = makeTempDir();
  const config = loadConfig({ file: null, env: {}, overrides: { dataDir, server: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } } });
  const kernel = new Kernel({ config, plugins: [contractPlugin] });
  await kernel.start({ listen: true });
  try {
    const res = await fetch(`${kernel.url}/api/contract/wrong-type`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: '3' });
  } finally {
    await kernel.stop();
  }
});
