import fs from 'node:fs';
import path from 'node:path';
import { isPluginDefinition, isPluginModuleDefinition } from './define-plugin';
import type { PluginDefinition, PluginModuleDefinition } from './plugin-types';

/** Where a plugin came from. */
export interface PluginSource {
  /** The package folder. */
  dir: string;
  packageName: string;
  /** Built-ins stop start-up when broken; third-party plugins are disabled instead. */
  builtin: boolean;
}

/** A package that declared itself a Tomo plugin, and what it exported. */
export interface DiscoveredPackage {
  source: PluginSource;
  plugins: PluginDefinition[];
  modules: PluginModuleDefinition[];
  /** Set when the package could not be loaded; the message names the package and the cause. */
  error?: string;
}

interface PackageJson {
  name?: string;
  main?: string;
  tomo?: { plugin?: string; module?: string };
}

function readPackageJson(dir: string): PackageJson | undefined {
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return { name: path.basename(dir) };
  }
}

/** Package folders directly under `dir`, under `dir/@scope/`, and under `dir/node_modules`. */
function candidateFolders(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const visit = (parent: string, depth: number): void => {
    for (const entry of fs.readdirSync(parent, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const full = path.join(parent, entry.name);
      if (entry.name === 'node_modules' && depth === 0) visit(full, 1);
      else if (entry.name.startsWith('@') && depth <= 1) visit(full, 2);
      else if (!entry.name.startsWith('.')) out.push(full);
    }
  };
  visit(dir, 0);
  return out;
}

/** Collects every plugin and module definition a loaded package exports (default or named). */
function collectDefinitions(exported: unknown): { plugins: PluginDefinition[]; modules: PluginModuleDefinition[] } {
  const plugins: PluginDefinition[] = [];
  const modules: PluginModuleDefinition[] = [];
  const values = new Set<unknown>();
  if (exported && typeof exported === 'object') {
    for (const value of Object.values(exported)) values.add(value);
    const def = (exported as { default?: unknown }).default;
    if (def && typeof def === 'object') for (const value of Object.values(def)) values.add(value);
  }
  values.add(exported);
  for (const value of values) {
    if (isPluginDefinition(value)) plugins.push(value);
    else if (isPluginModuleDefinition(value)) modules.push(value);
  }
  return { plugins, modules };
}

/**
 * Finds Tomo plugin packages (package.json with `"tomo": { "plugin" | "module": ... }`) in the
 * given folders and loads them. A package that fails to load is returned with `error` set.
 */
export function discoverPlugins(dirs: readonly string[], builtin: boolean): DiscoveredPackage[] {
  const found: DiscoveredPackage[] = [];
  for (const dir of dirs) {
    for (const folder of candidateFolders(dir)) {
      const pkg = readPackageJson(folder);
      if (!pkg?.tomo || (!pkg.tomo.plugin && !pkg.tomo.module)) continue;
      const source: PluginSource = { dir: folder, packageName: pkg.name ?? path.basename(folder), builtin };
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported: unknown = require(folder);
        const { plugins, modules } = collectDefinitions(exported);
        if (plugins.length === 0 && modules.length === 0) {
          found.push({ source, plugins, modules, error: `Package "${source.packageName}" (${folder}) exports no definePlugin() or definePluginModule() value` });
        } else {
          found.push({ source, plugins, modules });
        }
      } catch (err) {
        found.push({ source, plugins: [], modules: [], error: `Package "${source.packageName}" (${folder}) failed to load: ${(err as Error).message}` });
      }
    }
  }
  return found;
}
