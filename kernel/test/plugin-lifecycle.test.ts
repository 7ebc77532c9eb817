import { z } from 'zod';
import { PassThrough } from 'node:stream';
import { createServiceToken, definePlugin, Kernel, kernelHooks, KernelTokens, loadConfig, PluginLoadError } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { startupError } from './support/kernel-start';
import { makeTempDir, removeTempDirs } from './support/temp-dir';

afterAll(removeTempDirs);

/** A service one plugin exposes and another receives through `deps`. */
interface Greeter {
  greet(name: string): string;
}
const GreeterToken = createServiceToken<Greeter>('greeter.Greeter');

const greeterPlugin = definePlugin({
  id: 'greeter',
  init(ctx) {
    ctx.expose(GreeterToken, { useValue: { greet: (name) => `hello ${name}` } });
  },
});

describe('typed init: deps and what register hands over', () => {
  test("init receives the services named in deps, and register's return value", async () => {
    const seen: string[] = [];
    const consumer = definePlugin({
      id: 'consumer',
      dependsOn: ['greeter'],
      config: z.object({ name: z.string().default('tomo') }),
      deps: { greeter: GreeterToken, clock: KernelTokens.Clock },
      register() {
        return { registeredAt: 'register' };
      },
      init(ctx, { greeter, clock }, { registeredAt }) {
        // Typed: greet() and now() compile without casts, and the config's default is filled in.
        seen.push(greeter.greet(ctx.config.name), registeredAt, typeof clock.now().getTime());
      },
    });
    const t = await startTestKernel({ plugins: [consumer, greeterPlugin], listen: false });
    await t.stop();
    expect(seen).toEqual(['hello tomo', 'register', 'number']);
  });

  test('a dep nothing provides refuses the plugin, naming the name and the token', async () => {
    const needy = definePlugin({ id: 'needy', deps: { greeter: GreeterToken }, init: () => undefined });
    const err = await startupError({ plugins: [needy] });
    expect(err).toBeInstanceOf(PluginLoadError);
    expect(err.message).toBe('Plugin "needy" needs the service "greeter.Greeter" (deps.greeter), which no active plugin provides; list its plugin in dependsOn');
  });

  test('plugins without deps or register still get what they always got', async () => {
    const args: unknown[][] = [];
    const plain = definePlugin({ id: 'plain', init: (...received: unknown[]) => void args.push(received.slice(1)) });
    const t = await startTestKernel({ plugins: [plain], listen: false });
    await t.stop();
    expect(args).toEqual([[{}, undefined]]);
  });
});

describe('onReady and onShutdown', () => {
  test('ready callbacks run after every init, after the plugin\'s ready; shutdown callbacks newest first after the HTTP drain, before shutdown', async () => {
    const events: string[] = [];
    const make = (id: string, dependsOn: string[] = []) =>
      definePlugin({
        id,
        dependsOn,
        init(ctx) {
          events.push(`init ${id}`);
          ctx.onReady(() => void events.push(`onReady ${id} 1`));
          ctx.onReady(async () => {
            await new Promise((r) => setTimeout(r, 5));
            events.push(`onReady ${id} 2`);
            // Work started in ready registers its own stop: it runs first of all.
            ctx.onShutdown(() => void events.push(`onShutdown ${id} from ready`));
          });
          ctx.onShutdown(() => void events.push(`onShutdown ${id} 1`));
          ctx.onShutdown(async () => {
            await new Promise((r) => setTimeout(r, 5));
            events.push(`onShutdown ${id} 2`);
          });
          ctx.hooks.of(kernelHooks).stopping.tap(id, () => void events.push(`stopping seen by ${id}`));
        },
        ready: () => void events.push(`ready ${id}`),
        shutdown: () => void events.push(`shutdown ${id}`),
      });
    const t = await startTestKernel({ plugins: [make('top', ['base']), make('base')] });
    const url = t.url;
    await t.stop();
    expect(events).toEqual([
      'init base',
      'init top',
      'ready base',
      'onReady base 1',
      'onReady base 2',
      'ready top',
      'onReady top 1',
      'onReady top 2',
      'stopping seen by base',
      'stopping seen by top',
      'onShutdown top from ready',
      'onShutdown top 2',
      'onShutdown top 1',
      'shutdown top',
      'onShutdown base from ready',
      'onShutdown base 2',
      'onShutdown base 1',
      'shutdown base',
    ]);
    // The HTTP server was closed before (the drain comes first).
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  test('a failing shutdown callback is logged with the plugin id; the others, and other plugins, still stop', async () => {
    const stopped: string[] = [];
    const faulty = definePlugin({
      id: 'faulty',
      init(ctx) {
        ctx.onShutdown(() => void stopped.push('faulty first'));
        ctx.onShutdown(() => {
          throw new Error('cannot close the widget');
        });
        ctx.onShutdown(async () => Promise.reject(new Error('async close failed')));
      },
      shutdown: () => void stopped.push('faulty shutdown'),
    });
    const other = definePlugin({ id: 'other', init: (ctx) => ctx.onShutdown(() => void stopped.push('other')) });
    const t = await startTestKernel({ plugins: [other, faulty], listen: false });
    const logs = t.logs;
    await t.stop();
    expect(stopped).toEqual(['faulty first', 'faulty shutdown', 'other']);
    const failures = logs()
      .map((l) => JSON.parse(l) as { msg: string; plugin?: string; err?: { message: string } })
      .filter((l) => l.msg === 'Plugin shutdown callback failed');
    expect(failures.map((l) => [l.plugin, l.err?.message])).toEqual([
      ['faulty', 'async close failed'],
      ['faulty', 'cannot close the widget'],
    ]);
  });

  test('ready callbacks do not run for a one-shot CLI boot; shutdown callbacks do', async () => {
    const events: string[] = [];
    const p = definePlugin({
      id: 'cli-boot',
      init(ctx) {
        ctx.onReady(() => void events.push('ready'));
        ctx.onShutdown(() => void events.push('shutdown'));
      },
    });
    const dataDir = makeTempDir();
    const config = loadConfig({ file: null, env: {}, overrides: { dataDir, log: { level: 'warn', pretty: false, targets: ['file'] } } });
    const kernel = new Kernel({ config, plugins: [p], logStream: new PassThrough() });
    await kernel.start({ listen: false, runReady: false });
    await kernel.stop();
    expect(events).toEqual(['shutdown']);
  });

  test('onReady after init throws: it would never run', async () => {
    let late: unknown;
    const p = definePlugin({
      id: 'late-ready',
      init: () => undefined,
      ready(ctx) {
        try {
          ctx.onReady(() => undefined);
        } catch (err) {
          late = err;
        }
      },
    });
    const t = await startTestKernel({ plugins: [p], listen: false });
    await t.stop();
    expect((late as Error).message).toBe('Plugin "late-ready": onReady was called after init; add ready callbacks in init');
  });

  test('when init fails, the shutdown callbacks it added run at once and its ready callbacks never', async () => {
    const events: string[] = [];
    const broken = definePlugin({
      id: 'broken',
      init(ctx) {
        ctx.onShutdown(() => void events.push('closed what init opened'));
        ctx.onReady(() => void events.push('ready'));
        throw new Error('init failed half-way');
      },
    });
    const err = await startupError({ plugins: [broken] });
    expect(err.message).toBe('Plugin "broken" failed to start: init failed half-way');
    expect(events).toEqual(['closed what init opened']);
  });
});
