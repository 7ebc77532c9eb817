import type { Logger } from 'pino';

/** A callback of {@link PluginContext.onReady} or {@link PluginContext.onShutdown}. */
export type LifecycleCallback = () => void | Promise<void>;

/**
 * What one plugin asked to run in its later phases (`ctx.onReady`, `ctx.onShutdown`): the typed
 * way to hand work from `init` on, where plugins once parked objects in their container under
 * string keys for `ready` and `shutdown` to find.
 */
export class PluginLifecycle {
  private readonly readyCallbacks: LifecycleCallback[] = [];
  private readonly shutdownCallbacks: LifecycleCallback[] = [];

  constructor(
    private readonly pluginId: string,
    private readonly logger: Logger,
  ) {}

  addReady(fn: LifecycleCallback): void {
    this.readyCallbacks.push(fn);
  }

  addShutdown(fn: LifecycleCallback): void {
    this.shutdownCallbacks.push(fn);
  }

  /** In the order they were added; an error stops start-up, as an error in `ready` does. */
  async runReady(): Promise<void> {
    for (const fn of this.readyCallbacks.splice(0)) await fn();
  }

  /**
   * Newest first, like unwinding a stack: what was set up last is taken down first. An error is
   * logged with the plugin id and the next callback still runs. Each callback runs once.
   */
  async runShutdown(): Promise<void> {
    for (const fn of this.shutdownCallbacks.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        this.logger.error({ err, plugin: this.pluginId }, 'Plugin shutdown callback failed');
      }
    }
  }
}
