import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '../access/principal';
import { PluginLoadError } from '../errors';
import type { UiContribution, UiManifestEntry } from './ui-types';

interface Registered {
  pluginId: string;
  version: string;
  contribution: UiContribution;
}

/** URL prefix under which each plugin's bundle folder is served. */
export const PLUGIN_BUNDLE_PREFIX = '/ui/plugins';

/**
 * Knows every plugin's console contribution. Serves the manifest the shell reads to build its
 * router, sidebar and dashboard, and maps bundle URLs to the plugins' folders.
 */
export class UiRegistry {
  private readonly plugins = new Map<string, Registered>();

  /**
   * Adds a plugin's contribution. A missing bundle (plugin not built) is returned as a warning
   * and the plugin is left out of the manifest: its API still works, only its panels are absent.
   */
  add(pluginId: string, version: string, contribution: UiContribution): string | undefined {
    if (!path.isAbsolute(contribution.bundleDir)) {
      throw new PluginLoadError(`Plugin "${pluginId}": ui.bundleDir must be an absolute path`, pluginId);
    }
    const entryFile = path.join(contribution.bundleDir, contribution.entry);
    if (!fs.existsSync(entryFile)) {
      return `Plugin "${pluginId}": console bundle ${entryFile} is missing (run npm run build); its panels are not shown`;
    }
    this.plugins.set(pluginId, { pluginId, version, contribution });
    return undefined;
  }

  /** Every registered contribution, by plugin id (for the admin's Plugins page). */
  contributions(): Map<string, UiContribution> {
    return new Map([...this.plugins.values()].map((r) => [r.pluginId, r.contribution]));
  }

  /** The folder holding a plugin's bundle, or undefined. */
  bundleDir(pluginId: string): string | undefined {
    return this.plugins.get(pluginId)?.contribution.bundleDir;
  }

  /** The manifest as one principal may see it: admin-only routes and nav items are left out for users. */
  manifest(principal: Principal): { plugins: Array<UiManifestEntry & { styles: string[] }> } {
    const allowed = (access?: string) => access !== 'admin' || principal.role === 'admin';
    return {
      plugins: [...this.plugins.values()].map(({ pluginId, version, contribution: c }) => {
        const base = `${PLUGIN_BUNDLE_PREFIX}/${pluginId}`;
        const styles = fs
          .readdirSync(c.bundleDir)
          .filter((f) => f.endsWith('.css'))
          .sort()
          .map((f) => `${base}/${f}`);
        return {
          id: pluginId,
          version,
          entry: `${base}/${c.entry}`,
          styles,
          routes: (c.routes ?? []).filter((r) => allowed(r.access)),
          nav: (c.nav ?? []).filter((n) => allowed(n.access)),
          widgets: c.widgets ?? [],
          slots: c.slots ?? {},
        };
      }),
    };
  }
}
