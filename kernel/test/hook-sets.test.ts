import { z } from 'zod';
import { AsyncSeriesHook, SyncHook } from 'tapable';
import { defineHookSet, definePlugin, kernelHooks, HookRegistry, type Principal } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';

/** A plugin's hook set, as its api.ts would declare it. */
const counterHooks = defineHookSet('counter', () => ({
  /** A thing was counted. */
  counted: new SyncHook<[number]>(['n']),
  finished: new AsyncSeriesHook<[]>([]),
}));

test('a hook set is created once per registry, keyed by owner (two copies of a ref agree), and frozen', () => {
  const registry = new HookRegistry();
  const copy = defineHookSet('counter', () => ({ counted: new SyncHook<[number]>(['n']) }));
  const a = registry.of(counterHooks);
  expect(registry.of(counterHooks)).toBe(a);
  expect(registry.of(copy)).toBe(a);
  expect(Object.isFrozen(a)).toBe(true);
  expect(Object.isFrozen(counterHooks)).toBe(true);
});

test('hook sets are per kernel: a tap in one running kernel never fires in another', async () => {
  const calls: string[] = [];
  const tapping = (label: string) =>
    definePlugin({
      id: 'counter',
      init(ctx) {
        ctx.hooks.of(counterHooks).counted.tap(ctx.pluginId, (n) => void calls.push(`${label}:${n}`));
      },
    });
  const k1 = await startTestKernel({ plugins: [tapping('one')], listen: false });
  const k2 = await startTestKernel({ plugins: [tapping('two')], listen: false });
  try {
    expect(k1.kernel.hooks.of(counterHooks)).not.toBe(k2.kernel.hooks.of(counterHooks));
    k1.kernel.hooks.of(counterHooks).counted.call(1);
    k2.kernel.hooks.of(counterHooks).counted.call(2);
    expect(calls).toEqual(['one:1', 'two:2']);
    expect(k1.kernel.hooks.of(kernelHooks)).not.toBe(k2.kernel.hooks.of(kernelHooks));
  } finally {
    await k1.stop();
    await k2.stop();
  }
});

test('authenticate is a bail hook: the first tap returning a principal wins; stages order the taps', async () => {
  const asked: string[] = [];
  const principal = (id: string): Principal => ({ id, name: id, role: 'user', credentialKind: 'session' });
  const late = definePlugin({
    id: 'late-auth',
    init: (ctx) =>
      ctx.hooks.of(kernelHooks).authenticate.tapPromise({ name: ctx.pluginId, stage: 10 }, async () => {
        asked.push('late');
        return principal('late');
      }),
  });
  const early = definePlugin({
    id: 'early-auth',
    init: (ctx) =>
      ctx.hooks.of(kernelHooks).authenticate.tapPromise({ name: ctx.pluginId, stage: -10 }, async ({ credential, transport }) => {
        asked.push(`early ${transport}`);
        return credential === 'early-token' ? principal('early') : undefined;
      }),
  });
  const probe = definePlugin({
    id: 'probe',
    init: (ctx) => ctx.http.route({ method: 'GET', path: '/api/probe', summary: 'x', access: 'authenticated', response: z.object({ id: z.string() }), handler: (_i, call) => ({ id: call.principal.id }) }),
  });
  const t = await startTestKernel({ plugins: [late, early, probe] });
  try {
    expect((await t.request('GET', '/api/probe', { token: 'early-token' })).body).toEqual({ id: 'early' });
    expect(asked).toEqual(['early http']);
    expect((await t.request('GET', '/api/probe', { token: 'anything' })).body).toEqual({ id: 'late' });
    expect(asked).toEqual(['early http', 'early http', 'late']);
  } finally {
    await t.stop();
  }
});

test('started gets the URL and plugin ids; a failing stopping tap is logged and stop() still completes', async () => {
  const info: unknown[] = [];
  const shutdowns: string[] = [];
  const p = definePlugin({
    id: 'lifecycle',
    init(ctx) {
      ctx.hooks.of(kernelHooks).started.tapPromise(ctx.pluginId, async (i) => void info.push(i));
      ctx.hooks.of(kernelHooks).stopping.tapPromise(ctx.pluginId, async () => {
        throw new Error('stopping went wrong');
      });
    },
    shutdown: () => {
      shutdowns.push('lifecycle');
      throw new Error('shutdown went wrong too');
    },
  });
  const other = definePlugin({ id: 'other', shutdown: () => void shutdowns.push('other') });
  const t = await startTestKernel({ plugins: [other, p] });
  const url = t.url;
  await t.stop({ keepData: true });
  expect(info).toEqual([{ url, plugins: ['other', 'lifecycle'] }]);
  expect(shutdowns).toEqual(['lifecycle', 'other']);
  const logs = t.logs().join('\n');
  expect(logs).toContain('stopping hook failed');
  expect(logs).toContain('Plugin shutdown failed');
  expect(logs).toContain('Tomo stopped');
});
