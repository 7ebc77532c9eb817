import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { definePlugin, PluginLoadError, type PluginContext } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { startupError } from './support/kernel-start';
import { makeTempDir, removeTempDirs, writePluginPackage } from './support/temp-dir';
import { ADMIN_TOKEN, testAuthPlugin } from './support/test-auth';

jest.mock('zod', () => jest.requireActual('zod'), { virtual: true }); // for temp packages; see third-party-plugin.test.ts

afterAll(removeTempDirs);

const withRoute = (id: string, routePath: string, method: 'GET' | 'POST' = 'GET') =>
  definePlugin({
    id,
    init: (ctx) => ctx.http.route({ method, path: routePath, summary: id, access: 'public', response: z.object({ owner: z.string() }), handler: () => ({ owner: id }) }),
  });

const withTool = (id: string, name: string) =>
  definePlugin({
    id,
    init: (ctx: PluginContext) => ctx.mcp.tool({ name, description: id, access: 'public', input: z.object({}), handler: () => id }),
  });

function migration(name: string): new () => { name: string; up(): Promise<void>; down(): Promise<void> } {
  const cls = class {
    name = name;
    async up(): Promise<void> {}
    async down(): Promise<void> {}
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

describe('routes', () => {
  test('one route registered by two plugins: start() is refused naming both', async () => {
    const err = await startupError({ plugins: [withRoute('first', '/api/things'), withRoute('second', '/api/things')] });
    expect(err).toBeInstanceOf(PluginLoadError);
    expect(err.message).toBe('Route GET /api/things is registered by both "first" and "second"');
  });

  test('parameter names and a trailing slash do not make a route different', async () => {
    const err = await startupError({ plugins: [withRoute('first', '/api/things/:id'), withRoute('second', '/api/things/:thingId/')] });
    expect(err.message).toBe('Route GET /api/things/:thingId/ is registered by both "first" and "second"');
  });

  test('a plugin cannot take over a kernel route', async () => {
    const err = await startupError({ plugins: [withRoute('sneaky', '/api/status')] });
    expect(err.message).toBe('Route GET /api/status is registered by both "kernel" and "sneaky"');
  });

  test('the same path with another method is a different route', async () => {
    const t = await startTestKernel({ plugins: [withRoute('reader', '/api/things'), withRoute('writer', '/api/things', 'POST')] });
    try {
      expect((await t.request('GET', '/api/things')).body).toEqual({ owner: 'reader' });
      expect((await t.request('POST', '/api/things')).body).toEqual({ owner: 'writer' });
    } finally {
      await t.stop();
    }
  });

  test.each(['/things', '/api/with space', 'api/x', '/apix/y', '/api/q?x=1', '/mcp', '/health', '/ui/plugins/auth/index.js', '/ui'])('a route path like %j is refused', async (p) => {
    const err = await startupError({ plugins: [withRoute('odd', p)] });
    expect(err.message).toBe(`Plugin "odd": route path "${p}" must start with /api/ and use only URL-safe characters`);
  });

  test('a third-party plugin claiming a taken route is disabled; the first owner keeps it', async () => {
    const dir = makeTempDir();
    writePluginPackage(
      dir,
      'squatter',
      { name: 'tomo-squatter' },
      `const { definePlugin } = require('@tomo/kernel');
module.exports = definePlugin({ id: 'squatter', init(ctx) { ctx.http.route({ method: 'GET', path: '/api/things', summary: 'x', access: 'public', response: require('zod').z.object({ owner: require('zod').z.string() }), handler: () => ({ owner: 'squatter' }) }); } });
`,
    );
    const t = await startTestKernel({ plugins: [testAuthPlugin, withRoute('owner', '/api/things')], pluginDirs: [dir] });
    try {
      expect((await t.request('GET', '/api/things')).body).toEqual({ owner: 'owner' });
      const status = await t.request('GET', '/api/status', { token: ADMIN_TOKEN });
      expect(status.body.plugins).toContainEqual({ id: 'squatter', version: '0.0.0', state: 'disabled', error: 'Route GET /api/things is registered by both "owner" and "squatter"' });
    } finally {
      await t.stop();
    }
  });
});

describe('MCP tools', () => {
  test('one tool name registered by two plugins: start() is refused naming both', async () => {
    const err = await startupError({ plugins: [withTool('first', 'do_thing'), withTool('second', 'do_thing')] });
    expect(err).toBeInstanceOf(PluginLoadError);
    expect(err.message).toBe('MCP tool "do_thing" is registered by both "first" and "second"');
  });

  test('a plugin registering one name twice is refused too', async () => {
    const twice = definePlugin({
      id: 'twice',
      init(ctx) {
        for (let i = 0; i < 2; i++) ctx.mcp.tool({ name: 'same_tool', description: 'x', access: 'public', input: z.object({}), handler: () => i });
      },
    });
    expect((await startupError({ plugins: [twice] })).message).toBe('MCP tool "same_tool" is registered by both "twice" and "twice"');
  });

  test.each(['DoThing', 'do-thing', 'x', '1tool', 'a'.repeat(65)])('a tool name like %j is refused', async (name) => {
    const err = await startupError({ plugins: [withTool('odd', name)] });
    expect(err.message).toBe(`Plugin "odd": MCP tool name "${name}" must be snake_case (a-z, 0-9, _), 2-64 characters`);
  });

  test('a third-party tool must carry the plugin id as a prefix, or the plugin is disabled', async () => {
    const dir = makeTempDir();
    writePluginPackage(
      dir,
      'os-alpine',
      { name: 'tomo-os-alpine' },
      `const { definePlugin } = require('@tomo/kernel');
const { z } = require('zod');
module.exports = definePlugin({ id: 'os-alpine', init(ctx) { ctx.mcp.tool({ name: 'add_server', description: 'x', access: 'public', input: z.object({}), handler: () => 1 }); } });
`,
    );
    const t = await startTestKernel({ pluginDirs: [dir], listen: false });
    try {
      expect(t.kernel.pluginStatuses()[0]).toMatchObject({
        id: 'os-alpine',
        state: 'disabled',
        error: 'Plugin "os-alpine" failed to start: MCP tool "add_server" must be prefixed with "os_alpine_" (third-party tools carry their plugin id)',
      });
      expect(t.kernel.tools.all()).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});

describe('migrations', () => {
  test('two migrations with the same name: start() is refused naming both plugins', async () => {
    const a = definePlugin({ id: 'alpha', migrations: [migration('SharedInit1700000000000')] });
    const b = definePlugin({ id: 'beta', migrations: [migration('SharedInit1700000000000')] });
    const err = await startupError({ plugins: [a, b] });
    expect(err).toBeInstanceOf(PluginLoadError);
    expect(err.message).toBe('Migration "SharedInit1700000000000" is provided by both "alpha" and "beta"');
  });

  test('migrations of all plugins run in timestamp order in one database, once', async () => {
    const order: string[] = [];
    const logged = (name: string) => {
      const cls = class {
        name = name;
        async up(): Promise<void> {
          order.push(name);
        }
        async down(): Promise<void> {}
      };
      Object.defineProperty(cls, 'name', { value: name });
      return cls;
    };
    const plugins = [definePlugin({ id: 'late', migrations: [logged('LateInit1700000000300')] }), definePlugin({ id: 'early', migrations: [logged('EarlyInit1700000000100'), logged('EarlyMore1700000000500')] })];
    const dataDir = makeTempDir();
    const first = await startTestKernel({ plugins, dataDir, listen: false });
    expect(order).toEqual(['EarlyInit1700000000100', 'LateInit1700000000300', 'EarlyMore1700000000500']);
    expect(first.logs().some((l) => l.includes('Applied 3 database migration(s)'))).toBe(true);
    await first.stop();
    const second = await startTestKernel({ plugins, dataDir, listen: false });
    await second.stop();
    expect(order).toHaveLength(3);
  });
});

describe('console contributions', () => {
  test('a relative ui.bundleDir is refused', async () => {
    const p = definePlugin({ id: 'rel-ui', ui: { bundleDir: 'dist/ui', entry: 'index.js' } });
    expect((await startupError({ plugins: [p] })).message).toBe('Plugin "rel-ui": ui.bundleDir must be an absolute path');
  });

  test('a missing bundle is a warning: the plugin runs, its panel is left out of the manifest', async () => {
    const bundleDir = makeTempDir();
    const p = definePlugin({ id: 'unbuilt', ui: { bundleDir: path.join(bundleDir, 'nope'), entry: 'index.js' }, init: (ctx) => ctx.http.route({ method: 'GET', path: '/api/unbuilt', summary: 'x', access: 'public', response: z.object({ ok: z.boolean() }), handler: () => ({ ok: true }) }) });
    const built = makeTempDir();
    fs.writeFileSync(path.join(built, 'main.js'), 'export {};');
    const q = definePlugin({ id: 'built', ui: { bundleDir: built, entry: 'main.js', slots: { 'server.tabs': [{ id: 'x', component: 'X', title: 'X' }] } } });
    const t = await startTestKernel({ plugins: [testAuthPlugin, p, q] });
    try {
      expect((await t.request('GET', '/api/unbuilt')).body).toEqual({ ok: true });
      const manifest = await t.request('GET', '/api/ui/manifest', { token: ADMIN_TOKEN });
      expect(manifest.body.plugins.map((x: { id: string }) => x.id)).toEqual(['built']);
      expect(manifest.body.plugins[0]).toMatchObject({ entry: '/ui/plugins/built/main.js', styles: [], routes: [], nav: [], widgets: [], slots: { 'server.tabs': [{ id: 'x', component: 'X', title: 'X' }] } });
      expect(t.logs().some((l) => l.includes('Plugin \\"unbuilt\\": console bundle') && l.includes('is missing'))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
