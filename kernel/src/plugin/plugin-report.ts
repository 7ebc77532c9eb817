import type { RouteEntry } from '../http/route-registry';
import type { ToolEntry } from '../mcp/tool-registry';
import type { UiContribution } from '../ui/ui-types';
import type { PluginStatus } from './load-plan';
import type { PluginDefinition, PluginModuleDefinition } from './plugin-types';

/** What one plugin or module adds to Tomo, as the admin's Plugins page lists it. */
export interface PluginContributions {
  /** `METHOD /path` of its HTTP routes. */
  routes: string[];
  /** Its MCP tool names. */
  tools: string[];
  /** Console pages (paths), dashboard cards (titles) and slot items (`slot: title`). */
  pages: string[];
  /** Titles of its dashboard cards. */
  widgets: string[];
  /** Items it puts in other plugins' slots, as `slot: title`. */
  slots: string[];
  /** Extension points it offers to other plugins. */
  extensionPoints: string[];
  /** Its database migrations (the entities they create are its own). */
  migrations: string[];
}

/** One row of the Plugins page: identity, state (and why it is disabled), contributions. */
export interface PluginReport extends PluginStatus {
  /** The plugin's own one-line description, when it gives one. */
  description?: string;
  /** For a module: the plugin it extends. */
  targetPlugin?: string;
  /** What it adds; all empty for a disabled plugin. */
  contributes: PluginContributions;
}

/** Everything the kernel knows about what was loaded, by plugin or module id. */
export interface PluginReportSources {
  statuses: readonly PluginStatus[];
  definitions: ReadonlyMap<string, PluginDefinition | PluginModuleDefinition>;
  routes: readonly RouteEntry[];
  tools: readonly ToolEntry[];
  ui: ReadonlyMap<string, UiContribution>;
  /** Extension point id → the plugin that offers it. */
  extensionPoints: ReadonlyMap<string, string>;
}

/**
 * The Plugins page's data: every plugin and module with its state and what it contributes. A
 * disabled plugin contributes nothing (its routes, tools and panels were never committed).
 */
export function buildPluginReport(sources: PluginReportSources): PluginReport[] {
  return sources.statuses.map((status) => {
    const definition = sources.definitions.get(status.id);
    const active = status.state === 'active';
    const ui = active ? sources.ui.get(status.id) : undefined;
    const own = <T extends { owner: string }>(entries: readonly T[]) => (active ? entries.filter((e) => e.owner === status.id) : []);
    return {
      ...status,
      ...(definition && 'description' in definition && definition.description ? { description: definition.description } : {}),
      ...(definition && 'targetPlugin' in definition ? { targetPlugin: definition.targetPlugin } : {}),
      contributes: {
        routes: own(sources.routes).map((r) => `${r.definition.method} ${r.definition.path}`),
        tools: own(sources.tools).map((t) => t.definition.name),
        pages: (ui?.routes ?? []).map((r) => r.path),
        widgets: (ui?.widgets ?? []).map((w) => w.title),
        slots: Object.entries(ui?.slots ?? {}).flatMap(([slot, items]) => items.map((i) => `${slot}: ${i.title}`)),
        extensionPoints: active ? [...sources.extensionPoints].filter(([, owner]) => owner === status.id).map(([id]) => id) : [],
        migrations: active && definition && 'migrations' in definition ? (definition.migrations ?? []).map((m) => m.name) : [],
      },
    };
  });
}
