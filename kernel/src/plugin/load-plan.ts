import { PluginLoadError } from '../errors';
import { KERNEL_API_VERSION } from '../version';
import type { DiscoveredPackage, PluginSource } from './discover';
import { orderByDependencies } from './order-plugins';
import type { PluginDefinition, PluginModuleDefinition } from './plugin-types';

/** A plugin or module the kernel will try to start, with where it came from. */
export interface Candidate<T> {
  definition: T;
  source: PluginSource;
}

/**
 * The outcome of one plugin or module in the load plan, from `Kernel.pluginStatuses()`;
 * `/api/status` shows its id, version, state and error.
 */
export interface PluginStatus {
  /** The plugin or module id; the package name for a package that failed to load. */
  id: string;
  /** Whether it was declared with {@link definePlugin} or {@link definePluginModule}. */
  kind: 'plugin' | 'module';
  /** Its declared version; `?` for a package that failed to load. */
  version: string;
  /** The npm package it came from (`(given)` for definitions handed to the kernel directly). */
  packageName: string;
  /** True for the distribution's own plugins: a broken built-in stops start-up instead of being disabled. */
  builtin: boolean;
  /**
   * `active` while it runs. `disabled` when left out: by `plugins.disabled`, a broken rule
   * (wrong kernel API version, missing dependency), or a failed `register` or `init`.
   */
  state: 'active' | 'disabled';
  /** Why it is disabled: names the plugin and the rule or error. */
  error?: string;
}

/** What to start, in order, and what was left out and why. */
export interface LoadPlan {
  plugins: Array<Candidate<PluginDefinition>>;
  modules: Array<Candidate<PluginModuleDefinition>>;
  statuses: PluginStatus[];
}

/** Marks a candidate disabled, or throws when it is a built-in (a broken built-in must stop start-up). */
export function refuse(statuses: PluginStatus[], c: Candidate<PluginDefinition | PluginModuleDefinition>, message: string): void {
  if (c.source.builtin) throw new PluginLoadError(message, c.definition.id);
  markDisabled(statuses, c, message);
}

/** Marks a candidate disabled with the reason, built-in or not. */
function markDisabled(statuses: PluginStatus[], c: Candidate<PluginDefinition | PluginModuleDefinition>, message: string): void {
  const status = statuses.find((s) => s.id === c.definition.id && s.kind === (c.definition.kind === 'tomo.plugin' ? 'plugin' : 'module'));
  if (status) {
    status.state = 'disabled';
    status.error = message;
  }
}

/**
 * Validates and orders what was discovered: unique ids (a clash stops start-up naming both
 * packages), the kernel API version, dependencies present, no cycles. Broken third-party
 * plugins are disabled with the reason; broken built-ins throw.
 */
export function planLoad(packages: readonly DiscoveredPackage[], disabledIds: readonly string[]): LoadPlan {
  const statuses: PluginStatus[] = [];
  for (const pkg of packages) {
    if (!pkg.error) continue;
    if (pkg.source.builtin) throw new PluginLoadError(pkg.error);
    statuses.push({ id: pkg.source.packageName, kind: 'plugin', version: '?', packageName: pkg.source.packageName, builtin: false, state: 'disabled', error: pkg.error });
  }

  const seen = new Map<string, Candidate<PluginDefinition | PluginModuleDefinition>>();
  const plugins: Array<Candidate<PluginDefinition>> = [];
  const modules: Array<Candidate<PluginModuleDefinition>> = [];
  for (const pkg of packages) {
    for (const definition of [...pkg.plugins, ...pkg.modules]) {
      if (definition.id === 'kernel') {
        throw new PluginLoadError(`Package "${pkg.source.packageName}" (${pkg.source.dir}) uses the reserved id "kernel"`, definition.id);
      }
      const previous = seen.get(definition.id);
      if (previous) {
        throw new PluginLoadError(
          `Two plugins share the id "${definition.id}": "${previous.source.packageName}" (${previous.source.dir}) and "${pkg.source.packageName}" (${pkg.source.dir})`,
          definition.id,
        );
      }
      const candidate = { definition, source: pkg.source };
      seen.set(definition.id, candidate);
      if (disabledIds.includes(definition.id)) {
        statuses.push({ id: definition.id, kind: definition.kind === 'tomo.plugin' ? 'plugin' : 'module', version: definition.version, packageName: pkg.source.packageName, builtin: pkg.source.builtin, state: 'disabled', error: 'Disabled in configuration (plugins.disabled)' });
        continue;
      }
      statuses.push({ id: definition.id, kind: definition.kind === 'tomo.plugin' ? 'plugin' : 'module', version: definition.version, packageName: pkg.source.packageName, builtin: pkg.source.builtin, state: 'active' });
      if (definition.kind === 'tomo.plugin') plugins.push(candidate as Candidate<PluginDefinition>);
      else modules.push(candidate as Candidate<PluginModuleDefinition>);
    }
  }

  for (const c of [...plugins, ...modules]) {
    if (c.definition.apiVersion !== KERNEL_API_VERSION) {
      refuse(statuses, c, `Plugin "${c.definition.id}" was built for kernel API ${c.definition.apiVersion}; this Tomo provides kernel API ${KERNEL_API_VERSION}`);
    }
  }

  // Dependencies: disabling one plugin may disable what depends on it, so repeat until stable.
  const isActive = (id: string) => statuses.some((s) => s.id === id && s.kind === 'plugin' && s.state === 'active');
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of plugins) {
      if (!isActive(c.definition.id)) continue;
      const missing = (c.definition.dependsOn ?? []).find((dep) => !isActive(dep));
      if (missing) {
        refuse(statuses, c, `Plugin "${c.definition.id}" depends on "${missing}", which is not installed or not active`);
        changed = true;
      }
    }
  }
  for (const c of modules) {
    if (statuses.some((s) => s.id === c.definition.id && s.state === 'active') && !isActive(c.definition.targetPlugin)) {
      // A module is optional by nature, built-in or not: it is left out (with the reason, logged
      // at start) when its target is disabled or not installed, so a plugin declaring its tables
      // to backup keeps starting when backup is disabled, or absent from a smaller distribution.
      markDisabled(statuses, c, `Module "${c.definition.id}" extends "${c.definition.targetPlugin}", which is not installed or not active`);
    }
  }

  const activePlugins = plugins.filter((c) => isActive(c.definition.id));
  const ordered = orderByDependencies(activePlugins.map((c) => ({ id: c.definition.id, dependsOn: c.definition.dependsOn, c }))).map((o) => o.c);
  return {
    plugins: ordered,
    modules: modules.filter((c) => statuses.some((s) => s.id === c.definition.id && s.kind === 'module' && s.state === 'active')),
    statuses,
  };
}
