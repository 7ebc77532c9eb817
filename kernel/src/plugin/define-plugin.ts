import { KERNEL_API_VERSION } from '../version';
import type { PluginDefinition, PluginModuleDefinition, ServiceDeps } from './plugin-types';

/** Plugin and module ids: kebab-case, lower-case words joined by single hyphens (`servers`, `os-alpine`). */
export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

type PluginInput<TConfig, TDeps extends ServiceDeps, TRegistered> = Omit<PluginDefinition<TConfig, TDeps, TRegistered>, 'kind' | 'apiVersion' | 'version'> & {
  apiVersion?: number;
  version?: string;
};

function checkId(kind: string, id: string): void {
  if (typeof id !== 'string' || !PLUGIN_ID_PATTERN.test(id)) {
    throw new Error(`${kind} id "${String(id)}" must be kebab-case (e.g. "servers", "os-alpine")`);
  }
}

/**
 * Declares a plugin. Returns frozen plain data the kernel validates and loads: export it as
 * the package's main module (or one of its exports). Throws when the id is not kebab-case.
 *
 * @param input a {@link PluginDefinition} without `kind`, and with `version` (default `0.0.0`)
 *   and `apiVersion` optional. `apiVersion` defaults to the {@link KERNEL_API_VERSION} of the
 *   `@tomo/kernel` whose `definePlugin` runs, which inside Tomo is the host's own: declare it to
 *   have the version checked (see {@link KERNEL_API_VERSION}). The type parameters are inferred:
 *   the config from `config`, the services `init` receives from `deps`, and what `register`
 *   hands to `init` from its return value.
 */
export function definePlugin<TConfig = unknown, TDeps extends ServiceDeps = ServiceDeps, TRegistered = unknown>(
  input: PluginInput<TConfig, TDeps, TRegistered>,
): PluginDefinition<TConfig, TDeps, TRegistered> {
  checkId('Plugin', input.id);
  return Object.freeze({
    ...input,
    kind: 'tomo.plugin' as const,
    apiVersion: input.apiVersion ?? KERNEL_API_VERSION,
    version: input.version ?? '0.0.0',
    dependsOn: Object.freeze([...(input.dependsOn ?? [])]),
  });
}

/**
 * Declares a module that extends `targetPlugin` through its extension points. Throws when the
 * id or the target's id is not kebab-case.
 *
 * @param input a {@link PluginModuleDefinition} without `kind`; `version` and `apiVersion`
 *   optional, defaulted as in {@link definePlugin}.
 */
export function definePluginModule(
  input: Omit<PluginModuleDefinition, 'kind' | 'apiVersion' | 'version'> & { apiVersion?: number; version?: string },
): PluginModuleDefinition {
  checkId('Module', input.id);
  checkId('Target plugin', input.targetPlugin);
  return Object.freeze({
    ...input,
    kind: 'tomo.module' as const,
    apiVersion: input.apiVersion ?? KERNEL_API_VERSION,
    version: input.version ?? '0.0.0',
  });
}

/** True for values made by {@link definePlugin} (checked structurally: other kernel copies make them too). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tomo.plugin';
}

/** True for values made by {@link definePluginModule}. */
export function isPluginModuleDefinition(value: unknown): value is PluginModuleDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tomo.module';
}
