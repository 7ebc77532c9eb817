import fs from 'node:fs';
import { createExtensionPoint, createServiceToken, definePlugin, definePluginModule, KernelTokens, PluginLoadError, type TomoConfig } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import type { DataSource } from 'typeorm';
import { startupError } from './support/kernel-start';
import { makeTempDir, removeTempDirs, writePluginPackage } from './support/temp-dir';

afterAll(removeTempDirs);

interface CatalogSources {
  addSource(name: string): void;
}
const catalogSourcesPoint = createExtensionPoint<CatalogSources>({ id: 'catalog.sources' });
const serversPoint = createExtensionPoint<{ add(x: string): void }>({ id: 'servers.preparers' });

/** A plugin owning an extension point, as a plugin's api.ts + plugin.ts would. */
function catalogPlugin(seen: string[][]) {
  const sources: string[] = ['builtin'];
  return definePlugin({
    id: 'catalog',
    register(reg) {
      reg.registerExtensionPoint(catalogSourcesPoint, { addSource: (name) => void sources.push(name) });
    },
    init: () => void seen.push([...sources]),
  });
}

const serversPlugin = definePlugin({
  id: 'servers',
  register: (reg) => reg.registerExtensionPoint(serversPoint, { add: () => undefined }),
});

test('createExtensionPoint checks the "<plugin-id>.<camelCaseName>" shape', () => {
  expect(createExtensionPoint({ id: 'preparation.osPreparers' }).id).toBe('preparation.osPreparers');
  for (const id of ['preparation', 'Preparation.x', 'preparation.OsPreparers', 'preparation.os-preparers', '.x']) {
    expect(() => createExtensionPoint({ id })).toThrow(`Extension point id "${id}" must look like "<plugin-id>.<camelCaseName>"`);
  }
});

test('a module gets the extension point of the plugin it targets, before that plugin initialises', async () => {
  const seen: string[][] = [];
  const order: string[] = [];
  const mod = definePluginModule({
    id: 'catalog-community',
    targetPlugin: 'catalog',
    register(ctx) {
      order.push(ctx.moduleId);
      ctx.getExtensionPoint(catalogSourcesPoint).addSource('community');
    },
  });
  const t = await startTestKernel({ plugins: [catalogPlugin(seen)], modules: [mod], listen: false });
  try {
    expect(seen).toEqual([['builtin', 'community']]);
    expect(order).toEqual(['catalog-community']);
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'catalog-community')).toMatchObject({ kind: 'module', state: 'active' });
  } finally {
    await t.stop();
  }
});

test("a module asking for another plugin's extension point is refused", async () => {
  const mod = definePluginModule({ id: 'greedy', targetPlugin: 'catalog', register: (ctx) => void ctx.getExtensionPoint(serversPoint) });
  const err = await startupError({ plugins: [catalogPlugin([]), serversPlugin], modules: [mod] });
  expect(err).toBeInstanceOf(PluginLoadError);
  expect(err.message).toBe('Module "greedy" failed in register: Module "greedy" targets "catalog" but asked for "servers.preparers" of "servers"');
});

test('a third-party module breaking the rule is disabled instead; the target plugin runs without it', async () => {
  const dir = makeTempDir();
  writePluginPackage(
    dir,
    'greedy',
    { name: 'tomo-greedy', module: 'greedy' },
    `const { definePluginModule, createExtensionPoint } = require('@tomo/kernel');
module.exports = definePluginModule({ id: 'greedy', targetPlugin: 'catalog', register(ctx) { ctx.getExtensionPoint(createExtensionPoint({ id: 'servers.preparers' })); } });
`,
  );
  const seen: string[][] = [];
  const t = await startTestKernel({ plugins: [catalogPlugin(seen), serversPlugin], pluginDirs: [dir], listen: false });
  try {
    expect(seen).toEqual([['builtin']]);
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'greedy')).toMatchObject({
      kind: 'module',
      packageName: 'tomo-greedy',
      state: 'disabled',
      error: 'Module "greedy" failed in register: Module "greedy" targets "catalog" but asked for "servers.preparers" of "servers"',
    });
  } finally {
    await t.stop();
  }
});

test('asking for an extension point nobody provides names it', async () => {
  const mod = definePluginModule({ id: 'lost', targetPlugin: 'catalog', register: (ctx) => void ctx.getExtensionPoint(createExtensionPoint({ id: 'catalog.nothingHere' })) });
  expect((await startupError({ plugins: [catalogPlugin([])], modules: [mod] })).message).toBe('Module "lost" failed in register: Module "lost": no extension point "catalog.nothingHere"');
});

test('a built-in module whose target plugin is not installed is left out by name, and never runs', async () => {
  const mod = definePluginModule({ id: 'orphan', targetPlugin: 'ghost', register: () => { throw new Error('must not run'); } });
  const t = await startTestKernel({ plugins: [serversPlugin], modules: [mod], listen: false });
  try {
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'orphan')).toMatchObject({ kind: 'module', state: 'disabled', error: 'Module "orphan" extends "ghost", which is not installed or not active' });
    expect(t.logs().map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('Plugin disabled: Module "orphan" extends "ghost", which is not installed or not active');
  } finally {
    await t.stop();
  }
});

test('a built-in module whose target plugin is disabled in the configuration is left out, and start-up goes on', async () => {
  // auth's module adding its tables to backup must not stop Tomo when an admin disables backup.
  const mod = definePluginModule({ id: 'catalog-extra', targetPlugin: 'catalog', register() { throw new Error('must not run'); } });
  const t = await startTestKernel({ plugins: [catalogPlugin([]), serversPlugin], modules: [mod], config: { plugins: { disabled: ['catalog'] } }, listen: false });
  try {
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'catalog-extra')).toMatchObject({ kind: 'module', state: 'disabled', error: 'Module "catalog-extra" extends "catalog", which is not installed or not active' });
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'servers')).toMatchObject({ state: 'active' });
  } finally {
    await t.stop();
  }
});

test('a third-party module whose target plugin is disabled is disabled too, and never runs', async () => {
  const dir = makeTempDir();
  writePluginPackage(dir, 'future', { name: 'tomo-future' }, `const { definePlugin } = require('@tomo/kernel');\nmodule.exports = definePlugin({ id: 'future', apiVersion: 2 });\n`);
  writePluginPackage(dir, 'future-addon', { name: 'tomo-future-addon', module: 'future-addon' }, `const { definePluginModule } = require('@tomo/kernel');\nmodule.exports = definePluginModule({ id: 'future-addon', targetPlugin: 'future', register() { throw new Error('must not run'); } });\n`);
  const t = await startTestKernel({ pluginDirs: [dir], listen: false });
  try {
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'future-addon')).toMatchObject({ state: 'disabled', error: 'Module "future-addon" extends "future", which is not installed or not active' });
  } finally {
    await t.stop();
  }
});

test('a third-party module whose target plugin fails in register is disabled, and never runs', async () => {
  const dir = makeTempDir();
  writePluginPackage(dir, 'wobbly', { name: 'tomo-wobbly' }, `const { definePlugin } = require('@tomo/kernel');\nmodule.exports = definePlugin({ id: 'wobbly', register() { throw new Error('wobble'); } });\n`);
  writePluginPackage(dir, 'wobbly-addon', { name: 'tomo-wobbly-addon', module: 'wobbly-addon' }, `const { definePluginModule } = require('@tomo/kernel');\nmodule.exports = definePluginModule({ id: 'wobbly-addon', targetPlugin: 'wobbly', register() { throw new Error('must not run'); } });\n`);
  const t = await startTestKernel({ pluginDirs: [dir], listen: false });
  try {
    expect(t.kernel.pluginStatuses().find((s) => s.id === 'wobbly-addon')).toMatchObject({ state: 'disabled', error: 'Module "wobbly-addon" extends "wobbly", which is not active' });
  } finally {
    await t.stop();
  }
});

describe('register', () => {
  test("a plugin cannot provide an extension point under another plugin's id", async () => {
    const p = definePlugin({ id: 'impostor', register: (reg) => reg.registerExtensionPoint(catalogSourcesPoint, { addSource: () => undefined }) });
    expect((await startupError({ plugins: [p] })).message).toBe('Plugin "impostor" failed in register: Plugin "impostor" cannot provide extension point "catalog.sources": its id must start with "impostor."');
  });

  test('providing one extension point twice is refused', async () => {
    const p = definePlugin({
      id: 'catalog',
      register(reg) {
        reg.registerExtensionPoint(catalogSourcesPoint, { addSource: () => undefined });
        reg.registerExtensionPoint(catalogSourcesPoint, { addSource: () => undefined });
      },
    });
    expect((await startupError({ plugins: [p] })).message).toBe('Plugin "catalog" failed in register: Extension point "catalog.sources" is provided twice by "catalog"');
  });

  test('a third-party plugin whose register throws is disabled', async () => {
    const dir = makeTempDir();
    writePluginPackage(dir, 'shaky', { name: 'tomo-shaky' }, `const { definePlugin } = require('@tomo/kernel');\nmodule.exports = definePlugin({ id: 'shaky', register() { throw new Error('wobble'); }, init() { throw new Error('must not run'); } });\n`);
    const t = await startTestKernel({ pluginDirs: [dir], listen: false });
    try {
      expect(t.kernel.pluginStatuses()[0]).toMatchObject({ id: 'shaky', state: 'disabled', error: 'Plugin "shaky" failed in register: wobble' });
    } finally {
      await t.stop();
    }
  });
});

describe('services between plugins (DI)', () => {
  interface Greeter {
    greet(name: string): string;
  }
  const GreeterToken = createServiceToken<Greeter>('greeter.Greeter');
  const FactoryToken = createServiceToken<{ made: number }>('greeter.Factory');
  const ClassToken = createServiceToken<{ kind: string }>('greeter.ClassMade');
  class ClassMade {
    kind = 'class';
  }

  test('createServiceToken checks the "<plugin-id>.<ServiceName>" shape', () => {
    expect(() => createServiceToken('Greeter')).toThrow('Service token id "Greeter" must look like "<plugin-id>.<ServiceName>"');
    expect(() => createServiceToken('greeter.')).toThrow();
  });

  test("exposed services resolve from another plugin's context; kernel services are in the root container", async () => {
    const got: Record<string, unknown> = {};
    let made = 0;
    const greeter = definePlugin({
      id: 'greeter',
      init(ctx) {
        ctx.expose(GreeterToken, { useValue: { greet: (n) => `hello ${n}` } });
        ctx.expose(FactoryToken, { useFactory: () => ({ made: ++made }) });
        ctx.expose(ClassToken, { useClass: ClassMade });
        ctx.container.register('greeter.Private', { useValue: 'private' });
      },
    });
    const user = definePlugin({
      id: 'greeter-user',
      dependsOn: ['greeter'],
      init(ctx) {
        got.greeting = ctx.resolve(GreeterToken).greet('you');
        got.factory = ctx.resolve(FactoryToken).made;
        got.classKind = ctx.resolve(ClassToken).kind;
        got.config = ctx.resolve<TomoConfig>(KernelTokens.Config).dataDir;
        got.dataSource = ctx.resolve<DataSource>(KernelTokens.DataSource).isInitialized;
        got.clock = ctx.resolve(KernelTokens.Clock).now() instanceof Date;
        got.logger = typeof ctx.resolve(KernelTokens.Logger).info;
        got.privateVisible = ctx.container.isRegistered('greeter.Private', true);
        got.dataDir = ctx.pluginDataDir();
      },
    });
    const t = await startTestKernel({ plugins: [user, greeter], listen: false });
    try {
      expect(got).toEqual({
        greeting: 'hello you',
        factory: 1,
        classKind: 'class',
        config: t.dataDir,
        dataSource: true,
        clock: true,
        logger: 'function',
        privateVisible: false,
        dataDir: `${t.dataDir}/plugin-data/greeter-user`,
      });
      expect(fs.statSync(got.dataDir as string).mode & 0o777).toBe(0o700);
      expect(t.kernel.resolve(GreeterToken).greet('kernel')).toBe('hello kernel');
    } finally {
      await t.stop();
    }
  });
});
