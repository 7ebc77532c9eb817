import { z } from 'zod';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';

test('a kernel with one plugin route serves it and health', async () => {
  const plugin = definePlugin({
    id: 'hello',
    init(ctx) {
      ctx.http.route({
        method: 'POST',
        path: '/api/hello',
        summary: 'Say hello',
        access: 'public',
        body: z.object({ name: z.string().min(1) }),
        response: z.object({ greeting: z.string() }),
        handler: ({ body }) => ({ greeting: `hello ${body.name}` }),
      });
    },
  });
  const t = await startTestKernel({ plugins: [plugin] });
  try {
    expect((await t.request('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await t.request('POST', '/api/hello', { body: { name: 'x' } })).body).toEqual({ greeting: 'hello x' });
    const bad = await t.request('POST', '/api/hello', { body: { name: 'x', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('extra');
  } finally {
    await t.stop();
  }
});
