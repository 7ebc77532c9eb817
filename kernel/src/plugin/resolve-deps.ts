import type { DependencyContainer } from 'tsyringe';
import { PluginLoadError } from '../errors';
import type { ServiceDeps } from './plugin-types';

/**
 * Resolves a plugin's `deps` map for its `init`. A token nothing provides refuses the plugin with
 * its name and the token, instead of tsyringe's message deep inside `init`.
 */
export function resolveDeps(pluginId: string, deps: ServiceDeps | undefined, container: DependencyContainer): Readonly<Record<string, unknown>> {
  const resolved: Record<string, unknown> = {};
  for (const [name, token] of Object.entries(deps ?? {})) {
    if (!container.isRegistered(token, true)) {
      throw new PluginLoadError(`Plugin "${pluginId}" needs the service "${token}" (deps.${name}), which no active plugin provides; list its plugin in dependsOn`, pluginId);
    }
    resolved[name] = container.resolve(token);
  }
  return Object.freeze(resolved);
}
