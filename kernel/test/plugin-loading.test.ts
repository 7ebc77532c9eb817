import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError, definePlugin, definePluginModule, KERNEL_API_VERSION, kernelHooks, PluginLoadError } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { startupError } from './support/kernel-start';
import { makeTempDir, removeTempDirs, writePluginPackage } from './support/temp-dir';
import { ADMIN_TOKEN, USER_TOKEN, testAuthPlugin } from './support/test-auth';

// Jest resolves `require` itself, bypassing the kernel's shared-module hook; this gives a temp
// plugin folder the host's real zod, as the hook does in production (see third-party-plugin.test.ts).
jest.mock('zod', () => jest.requireActual('zod'), { virtual: true });

afterAll(removeTempDirs);

/** A CommonJS plugin package body: `definePlugin(<literal>)` from the host's @tomo/kernel. */
const pluginJs = (literal: string) => `'use strict';\nconst { definePlugin } = require('@tomo/kernel');\nmodule.exports = definePlugin(${literal});\n`;

describe('plugin ids', () => {
  test.each(['Bad_Id', 'UPPER', 'trailing-', '-leading', 'double--hyphen', '9starts-with-digit', 'has space', ''])('definePlugin refuses %j', (id) => {
    expect(() => definePlugin({ id })).toThrow(`Plugin id "${id}" must be kebab-case`);
  });

  test('definePlugin accepts kebab-case and fills in defaults; the result is frozen', () => {
    const p = definePlugin({ id: 'os-alpine2', dependsOn: ['servers'] });
    expect(p).toMatchObject({ kind: 'tomo.plugin', id: 'os-alpine2', apiVersion: KERNEL_API_VERSION, version: '0.0.0', dependsOn: ['servers'] });
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.dependsOn)).toBe(true);
  });

  test('definePluginModule checks its own id and the target plugin id', () => {
    expect(() => definePluginModule({ id: 'Nope', targetPlugin: 'servers', register() {} })).toThrow('Module id "Nope" must be kebab-case');
    expect(() => definePluginModule({ id: 'ok-module', targetPlugin: 'Servers', register() {} })).toThrow('Target plugin id "Servers" must be kebab-case');
  });
});

test('two packages exporting the same plugin id: start() is refused naming both packages', async () => {
  const dir = makeTempDir();
  const one = writePluginPackage(dir, 'one', { name: '@alpha/tomo-dup', plugin: 'dup' }, pluginJs(`{ id: 'dup' }`));
  const two = writePluginPackage(dir, 'two', { name: '@beta/tomo-dup', plugin: 'dup' }, pluginJs(`{ id: 'dup' }`));
  const err = await startupError({ pluginDirs: [dir] });
  expect(err).toBeInstanceOf(PluginLoadError);
  expect(err.message).toBe(`Two plugins share the id "dup": "@alpha/tomo-dup" (${one}) and "@beta/tomo-dup" (${two})`);
});

test('a built-in and a third-party package with the same id are refused too', async () => {
  const dir = makeTempDir();
  writePluginPackage(dir, 'shadow', { name: 'evil-auth', plugin: 'test-auth' }, pluginJs(`{ id: 'test-auth' }`));
  const err = await startupError({ plugins: [testAuthPlugin], pluginDirs: [dir] });
  expect(err.message).toMatch(/^Two plugins share the id "test-auth": "\(given\)" .* and "evil-auth" /);
});

test('a dependency cycle a -> b -> a is refused, naming the cycle', async () => {
  const a = definePlugin({ id: 'a', dependsOn: ['b'] });
  const b = definePlugin({ id: 'b', dependsOn: ['a'] });
  const err = await startupError({ plugins: [a, b] });
  expect(err).toBeInstanceOf(PluginLoadError);
  expect(err.message).toBe('Plugin dependency cycle: a -> b -> a');
});

test('a longer cycle is named in full, from where it closes', async () => {
  const plugins = [definePlugin({ id: 'root', dependsOn: ['x'] }), definePlugin({ id: 'x', dependsOn: ['y'] }), definePlugin({ id: 'y', dependsOn: ['z'] }), definePlugin({ id: 'z', dependsOn: ['x'] })];
  expect((await startupError({ plugins })).message).toBe('Plugin dependency cycle: x -> y -> z -> x');
});

test('plugins start in dependency order regardless of the order given; shutdown runs in reverse', async () => {
  const events: string[] = [];
  const make = (id: string, dependsOn: string[] = []) =>
    definePlugin({ id, dependsOn, init: () => void events.push(`init ${id}`), ready: () => void events.push(`ready ${id}`), shutdown: () => void events.push(`shutdown ${id}`) });
  const t = await startTestKernel({ plugins: [make('top', ['middle', 'base']), make('middle', ['base']), make('base')], listen: false });
  await t.stop();
  expect(events).toEqual(['init base', 'init middle', 'init top', 'ready base', 'ready middle', 'ready top', 'shutdown top', 'shutdown middle', 'shutdown base']);
});

describe('dependencies on a missing plugin', () => {
  test('a built-in plugin: start() is refused naming both', async () => {
    const err = await startupError({ plugins: [definePlugin({ id: 'needy', dependsOn: ['ghost'] })] });
    expect(err.message).toBe('Plugin "needy" depends on "ghost", which is not installed or not active');
  });

  test('a third-party plugin is disabled, and so is a plugin that depends on it', async () => {
    const dir = makeTempDir();
    writePluginPackage(dir, 'needy', { name: 'needy-pkg' }, pluginJs(`{ id: 'needy', dependsOn: ['ghost'] }`));
    writePluginPackage(dir, 'needier', { name: 'needier-pkg' }, pluginJs(`{ id: 'needier', dependsOn: ['needy'], init() { throw new Error('must not run'); } }`));
    const t = await startTestKernel({ plugins: [testAuthPlugin], pluginDirs: [dir] });
    try {
      const status = await t.request('GET', '/api/status', { token: USER_TOKEN });
      expect(status.status).toBe(200);
      expect(status.body.plugins).toEqual(
        expect.arrayContaining([
          { id: 'needy', version: '0.0.0', state: 'disabled', error: 'Plugin "needy" depends on "ghost", which is not installed or not active' },
          { id: 'needier', version: '0.0.0', state: 'disabled', error: 'Plugin "needier" depends on "needy", which is not installed or not active' },
        ]),
      );
      expect(t.logs().some((l) => l.includes('Plugin disabled: Plugin \\"needy\\" depends on \\"ghost\\"'))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

describe('kernel API version', () => {
  test('a third-party plugin built for another apiVersion is disabled; the kernel keeps running and /api/status says why', async () => {
    const dir = makeTempDir();
    writePluginPackage(dir, 'future', { name: 'tomo-future' }, pluginJs(`{ id: 'future', version: '9.0.0', apiVersion: 99, init(ctx) { ctx.http.route({ method: 'GET', path: '/api/future', summary: 'x', access: 'public', handler: () => ({}) }); } }`));
    const t = await startTestKernel({ plugins: [testAuthPlugin], pluginDirs: [dir] });
    try {
      expect((await t.request('GET', '/health')).status).toBe(200);
      const status = await t.request('GET', '/api/status', { token: USER_TOKEN });
      expect(status.body.plugins).toContainEqual({
        id: 'future',
        version: '9.0.0',
        state: 'disabled',
        error: `Plugin "future" was built for kernel API 99; this Tomo provides kernel API ${KERNEL_API_VERSION}`,
      });
      expect((await t.request('GET', '/api/future')).status).toBe(404);
    } finally {
      await t.stop();
    }
  });

  test('a built-in plugin with a bad apiVersion stops start-up', async () => {
    const err = await startupError({ plugins: [definePlugin({ id: 'old-builtin', apiVersion: 0 })] });
    expect(err).toBeInstanceOf(PluginLoadError);
    expect(err.message).toBe(`Plugin "old-builtin" was built for kernel API 0; this Tomo provides kernel API ${KERNEL_API_VERSION}`);
  });
});

describe('a plugin whose init throws', () => {
  const failingJs = pluginJs(`{
    id: 'flaky',
    init(ctx) {
      ctx.http.route({ method: 'GET', path: '/api/flaky', summary: 'x', access: 'public', handler: () => ({ served: true }) });
      ctx.mcp.tool({ name: 'flaky_ping', description: 'x', access: 'public', input: require('zod').z.object({}), handler: () => 'pong' });
      throw new Error('cannot reach the moon');
    },
    ready() { throw new Error('ready must not run for a disabled plugin'); },
  }`);

  test('third-party: disabled with the reason; its routes and tools are not served', async () => {
    const dir = makeTempDir();
    writePluginPackage(dir, 'flaky', { name: 'tomo-flaky' }, failingJs);
    const t = await startTestKernel({ plugins: [testAuthPlugin], pluginDirs: [dir] });
    try {
      expect((await t.request('GET', '/api/flaky')).status).toBe(404);
      expect(t.kernel.tools.get('flaky_ping')).toBeUndefined();
      const status = await t.request('GET', '/api/status', { token: USER_TOKEN });
      expect(status.body.plugins).toContainEqual({ id: 'flaky', version: '0.0.0', state: 'disabled', error: 'Plugin "flaky" failed to start: cannot reach the moon' });
      const openapi = await t.request('GET', '/api/openapi.json');
      expect(Object.keys(openapi.body.paths)).not.toContain('/api/flaky');
      // The admin's Plugins page shows it disabled, with the cause and no contributions.
      const report = (await t.request('GET', '/api/plugins', { token: ADMIN_TOKEN })).body.plugins.find((p: { id: string }) => p.id === 'flaky');
      expect(report).toMatchObject({ state: 'disabled', builtin: false, error: 'Plugin "flaky" failed to start: cannot reach the moon', contributes: { routes: [], tools: [], pages: [], migrations: [] } });
    } finally {
      await t.stop();
    }
  });

  test('its hook taps are dropped: a disabled plugin cannot authenticate anyone', async () => {
    const dir = makeTempDir();
    writePluginPackage(
      dir,
      'evil',
      { name: 'tomo-evil' },
      `const { definePlugin, kernelHooks } = require('@tomo/kernel');
module.exports = definePlugin({
  id: 'evil',
  init(ctx) {
    ctx.hooks.of(kernelHooks).authenticate.tapPromise('evil', async ({ credential }) =>
      credential === 'let-me-in' ? { id: 'evil', name: 'evil', role: 'admin', credentialKind: 'api_token' } : undefined);
    throw new Error('half-initialised');
  },
});
`,
    );
    const t = await startTestKernel({ plugins: [testAuthPlugin], pluginDirs: [dir] });
    try {
      expect(t.kernel.pluginStatuses().find((s) => s.id === 'evil')).toMatchObject({ state: 'disabled' });
      expect((await t.request('GET', '/api/status', { token: 'let-me-in' })).status).toBe(401);
      expect((await t.request('GET', '/api/status', { token: USER_TOKEN })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });

  test('a plugin that depends on it is not initialised either', async () => {
    const dir = makeTempDir();
    writePluginPackage(dir, 'flaky', { name: 'tomo-flaky' }, failingJs);
    writePluginPackage(dir, 'flaky-addon', { name: 'tomo-flaky-addon' }, pluginJs(`{ id: 'flaky-addon', dependsOn: ['flaky'], init() { throw new Error('must not run'); } }`));
    const t = await startTestKernel({ pluginDirs: [dir], listen: false });
    try {
      expect(t.kernel.pluginStatuses().find((s) => s.id === 'flaky-addon')).toMatchObject({
        state: 'disabled',
        error: 'Plugin "flaky-addon" depends on "flaky", which failed to start',
      });
    } finally {
      await t.stop();
    }
  });

  test('taps made in init by a plugin that starts take effect, and taps after init go straight through', async () => {
    const calls: string[] = [];
    const tapper = definePlugin({
      id: 'tapper',
      init(ctx) {
        ctx.hooks.of(kernelHooks).started.tap('tapper', (info) => void calls.push(`started ${info.plugins.join(',')}`));
      },
      ready(ctx) {
        ctx.hooks.of(kernelHooks).stopping.tapPromise('tapper', async () => void calls.push('stopping'));
      },
    });
    const t = await startTestKernel({ plugins: [tapper], listen: false });
    await t.stop();
    expect(calls).toEqual(['started tapper', 'stopping']);
  });

  test('routes and tools contributed after init are refused loudly (they would never be served)', async () => {
    const refusals: string[] = [];
    const late = definePlugin({
      id: 'late',
      init() {},
      ready(ctx) {
        const attempts = [
          () => ctx.http.route({ method: 'GET', path: '/api/late', summary: 'x', access: 'public', handler: () => ({ late: true }) }),
          () => ctx.http.rawRoute({ method: 'GET', path: '/api/late-raw', summary: 'x', access: 'public', handler: () => undefined }),
          () => ctx.mcp.tool({ name: 'late_ping', description: 'x', access: 'public', input: z.object({}), handler: () => 'pong' }),
        ];
        for (const attempt of attempts) {
          try {
            attempt();
          } catch (err) {
            refusals.push((err as Error).message);
          }
        }
      },
    });
    const t = await startTestKernel({ plugins: [testAuthPlugin, late] });
    try {
      expect(refusals).toEqual([
        'Plugin "late": route GET /api/late was contributed after init; routes and MCP tools can only be contributed in init',
        'Plugin "late": route GET /api/late-raw was contributed after init; routes and MCP tools can only be contributed in init',
        'Plugin "late": MCP tool "late_ping" was contributed after init; routes and MCP tools can only be contributed in init',
      ]);
      expect((await t.request('GET', '/api/late')).status).toBe(404);
      expect(t.kernel.tools.get('late_ping')).toBeUndefined();
    } finally {
      await t.stop();
    }
  });

  test('built-in: start() is refused with the reason', async () => {
    const err = await startupError({ plugins: [definePlugin({ id: 'flaky', init: () => Promise.reject(new Error('cannot reach the moon')) })] });
    expect(err).toBeInstanceOf(PluginLoadError);
    expect(err.message).toBe('Plugin "flaky" failed to start: cannot reach the moon');
  });
});

describe('packages that cannot be loaded', () => {
  test('third-party: a package that throws on require, or exports no plugin, is disabled naming the package', async () => {
    const dir = makeTempDir();
    const bad = writePluginPackage(dir, 'bad-id', { name: 'tomo-bad-id' }, pluginJs(`{ id: 'Bad_Id' }`));
    const empty = writePluginPackage(dir, 'empty', { name: 'tomo-empty' }, `module.exports = { hello: 'world' };\n`);
    const t = await startTestKernel({ pluginDirs: [dir], listen: false });
    try {
      const statuses = t.kernel.pluginStatuses();
      expect(statuses.find((s) => s.id === 'tomo-bad-id')).toMatchObject({ state: 'disabled', error: expect.stringContaining(`Package "tomo-bad-id" (${bad}) failed to load: Plugin id "Bad_Id" must be kebab-case`) });
      expect(statuses.find((s) => s.id === 'tomo-empty')).toMatchObject({ state: 'disabled', error: `Package "tomo-empty" (${empty}) exports no definePlugin() or definePluginModule() value` });
    } finally {
      await t.stop();
    }
  });

  test('built-in: a package that fails to load stops start-up', async () => {
    const dir = makeTempDir();
    writePluginPackage(dir, 'broken', { name: 'tomo-broken' }, `throw new Error('syntax of doom');\n`);
    const err = await startupError({ builtinPluginDirs: [dir] });
    expect(err.message).toMatch(/^Package "tomo-broken" \(.*broken\) failed to load: syntax of doom/);
  });

  test('discovery: named and default exports, scoped folders, node_modules; folders without a tomo key are ignored', async () => {
    const dir = makeTempDir();
    writePluginPackage(dir, '@scope/named', { name: '@scope/named' }, `const { definePlugin } = require('@tomo/kernel');\nexports.namedPlugin = definePlugin({ id: 'named-export' });\n`);
    writePluginPackage(dir, 'node_modules/from-npm', { name: 'from-npm' }, `const { definePlugin } = require('@tomo/kernel');\nmodule.exports = { default: { p: definePlugin({ id: 'default-export' }) } };\n`);
    writePluginPackage(dir, '.hidden', { name: 'hidden' }, pluginJs(`{ id: 'hidden' }`));
    writePluginPackage(dir, 'not-a-plugin', { name: 'not-a-plugin' }, pluginJs(`{ id: 'not-a-plugin' }`));
    // Rewrite its package.json without the "tomo" key: an ordinary package.
    fs.writeFileSync(`${dir}/not-a-plugin/package.json`, JSON.stringify({ name: 'not-a-plugin', main: 'index.js' }));
    fs.mkdirSync(`${dir}/no-package-json`);
    fs.writeFileSync(`${dir}/a-file.txt`, 'not a folder');
    const t = await startTestKernel({ pluginDirs: [dir, `${dir}/does-not-exist`], listen: false });
    try {
      expect(t.kernel.pluginStatuses().map((s) => [s.id, s.packageName, s.state])).toEqual([
        ['named-export', '@scope/named', 'active'],
        ['default-export', 'from-npm', 'active'],
      ]);
    } finally {
      await t.stop();
    }
  });
});

test('plugins.disabled in the config keeps a plugin out, with the reason', async () => {
  const t = await startTestKernel({
    plugins: [testAuthPlugin, definePlugin({ id: 'optional', init: () => Promise.reject(new Error('must not run')) })],
    config: { plugins: { disabled: ['optional'] } },
  });
  try {
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'optional')).toMatchObject({ state: 'disabled', error: 'Disabled in configuration (plugins.disabled)' });
  } finally {
    await t.stop();
  }
});

describe("a plugin's config section", () => {
  const configured = (seen: unknown[]) =>
    definePlugin({
      id: 'cfg-plugin',
      config: z.object({ retries: z.number().int().min(0).default(3), endpoint: z.object({ url: z.url() }).optional() }),
      init: (ctx) => void seen.push(ctx.config),
    });

  test('failing its schema stops start-up, naming <pluginId>.<key>', async () => {
    const err = await startupError({ plugins: [configured([])], config: { 'cfg-plugin': { retries: 'many' } } });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('cfg-plugin.retries');
    expect(err.message).toMatch(/^Invalid configuration: cfg-plugin\.retries: /);
    const nested = await startupError({ plugins: [configured([])], config: { 'cfg-plugin': { endpoint: { url: 'not a url' } } } });
    expect(nested.message).toMatch(/^Invalid configuration: cfg-plugin\.endpoint\.url: /);
  });

  test('is parsed (defaults applied) and handed to init; an unknown section is warned about', async () => {
    const seen: unknown[] = [];
    const reader = definePlugin({ id: 'section-reader', configSections: ['shared-section'], init: (ctx) => void seen.push(ctx.kernelConfig.sections['shared-section']) });
    const t = await startTestKernel({ plugins: [configured(seen), definePlugin({ id: 'raw-cfg', init: (ctx) => void seen.push(ctx.config) }), reader], config: { 'cfg-plugin': {}, 'raw-cfg': { anything: 1 }, 'no-such-plugin': { x: 1 }, 'shared-section': { y: 2 } }, listen: false });
    try {
      expect(seen).toEqual([{ retries: 3 }, { anything: 1 }, { y: 2 }]);
      expect(t.logs().some((l) => l.includes('Config key \\"no-such-plugin\\" matches no kernel setting and no installed plugin; ignored'))).toBe(true);
      // A section a plugin declares it reads is not "unused".
      expect(t.logs().some((l) => l.includes('shared-section'))).toBe(false);
    } finally {
      await t.stop();
    }
  });
});
