import { z } from 'zod';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';

// The client address every door records (throttling, activity): the socket's, or behind a
// trusted proxy the one that proxy appended — never an address the client wrote itself.
const echo = definePlugin({
  id: 'echo-ip',
  init(ctx) {
    ctx.http.route({ method: 'GET', path: '/api/echo-ip', summary: 'The caller as Tomo sees it', access: 'public', response: z.object({ ip: z.string() }), handler: (_input, call) => ({ ip: call.clientIp }) });
  },
});

const ipOf = async (t: TestKernel, forwarded?: string) =>
  (await t.request('GET', '/api/echo-ip', { headers: forwarded ? { 'X-Forwarded-For': forwarded } : {} })).body.ip as string;

test('without a trusted proxy, X-Forwarded-For is ignored', async () => {
  const t = await startTestKernel({ plugins: [echo] });
  try {
    expect(await ipOf(t, '203.0.113.9')).toMatch(/127\.0\.0\.1$/);
  } finally {
    await t.stop();
  }
});

test('behind a trusted proxy, only the address the proxy appended counts', async () => {
  const t = await startTestKernel({ plugins: [echo], config: { server: { trustProxy: true } } });
  try {
    expect(await ipOf(t, '198.51.100.7')).toBe('198.51.100.7');
    // A client sending its own header to a proxy that appends: the forged first entry is ignored.
    expect(await ipOf(t, '203.0.113.9, 198.51.100.7')).toBe('198.51.100.7');
  } finally {
    await t.stop();
  }
});
