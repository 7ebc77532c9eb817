import Module from 'node:module';
import path from 'node:path';

/**
 * Packages a plugin shares with the host instead of bringing its own copy, the way VS Code
 * hands every extension its own `vscode` module. One copy matters: the DI container, TypeORM's
 * metadata and zod's classes must be the host's for a plugin's services, entities and schemas
 * to work. A plugin lists these as peer dependencies; outside the host it resolves them itself.
 */
export const SHARED_MODULES = ['@tomo/kernel', 'tsyringe', 'typeorm', 'reflect-metadata', 'tapable', 'zod'] as const;

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename; _nodeModulePaths(dir: string): string[] };

let installed = false;
const hostPaths = new Map<string, string>();

/**
 * The built-in plugins' packages (`@tomo/plugin-<id>`, used through their `/api` subpath) are
 * shared too: a third-party plugin must reach the very extension points and service tokens the
 * host's plugins registered, not copies of them.
 */
const BUILTIN_PLUGIN_PACKAGE = /^@tomo\/plugin-[a-z0-9-]+(\/|$)/;

function isShared(request: string): string | undefined {
  for (const name of SHARED_MODULES) {
    if (request === name || request.startsWith(`${name}/`)) return name;
  }
  if (BUILTIN_PLUGIN_PACKAGE.test(request)) return request;
  return undefined;
}

/**
 * Makes `require('<shared module>')` from any plugin folder resolve to the host's copy.
 * `kernelEntry` is the file that `@tomo/kernel` must resolve to (the running kernel's index).
 */
export function installSharedModuleResolution(kernelEntry: string): void {
  hostPaths.set('@tomo/kernel', kernelEntry);
  if (installed) return;
  installed = true;
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function resolveShared(request, parent, isMain, options) {
    const shared = isShared(request);
    if (shared) {
      const kernelEntry = hostPaths.get('@tomo/kernel') as string;
      if (request === '@tomo/kernel') return kernelEntry;
      // Resolve as if the kernel itself asked, so the host's node_modules wins.
      const hostParent = { id: kernelEntry, filename: kernelEntry, paths: moduleInternals._nodeModulePaths(path.dirname(kernelEntry)) };
      return original.call(this, request, hostParent, false, options);
    }
    return original.call(this, request, parent, isMain, options);
  };
}
