import { markRaw, type Component } from 'vue';
import { importModule } from './import-module';
import type { PluginBundle } from './manifest';

/** A plugin's code could not be loaded or did not have what the manifest promised. */
export class PluginLoadError extends Error {
  constructor(
    readonly pluginId: string,
    message: string,
  ) {
    super(message);
    this.name = 'PluginLoadError';
  }
}

const modules = new Map<string, Promise<Record<string, unknown>>>();
const styleLinks = new Map<string, Promise<void>>();
let attempt = 0;

/**
 * Only same-origin URLs are loaded: the manifest comes from Tomo itself, but a panel URL pointing
 * elsewhere would be refused by the CSP anyway, and failing here gives a clearer message.
 */
function sameOriginUrl(pluginId: string, url: string): string {
  const parsed = new URL(url, window.location.origin);
  if (parsed.origin !== window.location.origin) {
    throw new PluginLoadError(pluginId, `Plugin "${pluginId}" points at ${url}, which is not on this server`);
  }
  return parsed.pathname + parsed.search;
}

/**
 * Imports a plugin's entry module once (later calls share the first import). A failed import is
 * forgotten, and `retry` asks for a fresh copy: browsers remember a failed module URL, so the
 * retry adds a query string.
 */
export function loadPluginModule(bundle: PluginBundle, retry = false): Promise<Record<string, unknown>> {
  const url = sameOriginUrl(bundle.id, bundle.entry);
  const cached = modules.get(url);
  if (cached && !retry) return cached;
  const target = retry ? `${url}${url.includes('?') ? '&' : '?'}retry=${++attempt}` : url;
  const loading = importModule(target).catch((err: unknown) => {
    modules.delete(url);
    const reason = err instanceof Error ? err.message : String(err);
    throw new PluginLoadError(bundle.id, `The code of plugin "${bundle.id}" could not be loaded from ${url}: ${reason}`);
  });
  modules.set(url, loading);
  return loading;
}

/**
 * Adds a `<link rel="stylesheet">` for each of a plugin's stylesheets (once per URL) and waits
 * until they have loaded or failed, so a panel does not flash unstyled. A missing stylesheet
 * is not fatal.
 */
export function loadPluginStyles(bundle: PluginBundle): Promise<void> {
  return Promise.all(
    bundle.styles.map((href) => {
      const url = sameOriginUrl(bundle.id, href);
      let loaded = styleLinks.get(url);
      if (!loaded) {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = url;
        link.dataset.plugin = bundle.id;
        loaded = new Promise<void>((resolve) => {
          link.addEventListener('load', () => resolve());
          link.addEventListener('error', () => {
            console.warn(`[tomo] Stylesheet ${url} of plugin "${bundle.id}" did not load`);
            resolve();
          });
          // Some environments never fire either event; do not wait for ever.
          setTimeout(resolve, 3000);
        });
        document.head.appendChild(link);
        styleLinks.set(url, loaded);
      }
      return loaded;
    }),
  ).then(() => undefined);
}

/** Loads a plugin's bundle and styles and returns the component exported as `exportName`. */
export async function loadPluginComponent(bundle: PluginBundle, exportName: string, retry = false): Promise<Component> {
  const [mod] = await Promise.all([loadPluginModule(bundle, retry), loadPluginStyles(bundle)]);
  const component = mod[exportName];
  if (!component || (typeof component !== 'object' && typeof component !== 'function')) {
    throw new PluginLoadError(bundle.id, `Plugin "${bundle.id}" has no component named "${exportName}"`);
  }
  return markRaw(component as Component);
}

/** Forgets every loaded module and stylesheet promise (tests). */
export function resetPluginCaches(): void {
  modules.clear();
  styleLinks.clear();
}
