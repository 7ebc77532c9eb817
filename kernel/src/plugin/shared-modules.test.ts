import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { installSharedModuleResolution, SHARED_MODULES } from './shared-modules';

// The hook replaces Module._resolveFilename, the function Node's `require` calls to find a file.
// Jest's `require` does not call it, so these tests call it directly with a parent module the way
// Node does for `require(request)` written in a file of the plugin's folder.
type Resolve = (request: string, parent: unknown, isMain: boolean) => string;
const internals = Module as unknown as { _resolveFilename: Resolve; _nodeModulePaths(dir: string): string[] };
const requireFrom = (file: string) => (request: string) =>
  internals._resolveFilename(request, { id: file, filename: file, paths: internals._nodeModulePaths(path.dirname(file)) }, false);

const repoNodeModules = path.resolve(__dirname, '..', '..', '..', 'node_modules');
const kernelEntry = path.resolve(__dirname, '..', 'index.ts');
let pluginDir: string;
let fromPlugin: (request: string) => string;

beforeAll(() => {
  pluginDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-shared-')));
  // The plugin ships its own (wrong) typeorm and a private dependency of its own.
  for (const [dep, body] of [
    ['typeorm', 'module.exports = "plugin copy";'],
    ['own-dep', 'module.exports = "own";'],
  ]) {
    fs.mkdirSync(path.join(pluginDir, 'node_modules', dep), { recursive: true });
    fs.writeFileSync(path.join(pluginDir, 'node_modules', dep, 'index.js'), body);
  }
  fs.writeFileSync(path.join(pluginDir, 'index.js'), '');
  installSharedModuleResolution(kernelEntry);
  fromPlugin = requireFrom(path.join(pluginDir, 'index.js'));
});
afterAll(() => fs.rmSync(pluginDir, { recursive: true, force: true }));

test('the shared list is what the DI, ORM, hooks and schemas need one copy of', () => {
  expect([...SHARED_MODULES]).toEqual(['@tomo/kernel', 'tsyringe', 'typeorm', 'reflect-metadata', 'tapable', 'zod']);
});

test('@tomo/kernel resolves to the running kernel from any plugin folder', () => {
  expect(fromPlugin('@tomo/kernel')).toBe(kernelEntry);
});

test("shared packages resolve to the host's copy, even when the plugin ships its own; subpaths too", () => {
  for (const name of ['typeorm', 'zod', 'tapable', 'tsyringe', 'reflect-metadata']) {
    expect(fromPlugin(name).startsWith(path.join(repoNodeModules, name) + path.sep)).toBe(true);
  }
  expect(fromPlugin('zod/v4/core').startsWith(path.join(repoNodeModules, 'zod') + path.sep)).toBe(true);
});

test("the built-in plugins' packages (their /api) resolve to the host's, so extension points are the same objects", () => {
  expect(fs.realpathSync(fromPlugin('@tomo/plugin-apps/api'))).toBe(fs.realpathSync(path.resolve(__dirname, '..', '..', '..', 'plugins', 'apps', 'dist', 'api.js')));
  expect(fs.realpathSync(fromPlugin('@tomo/plugin-preparation/api'))).toBe(fs.realpathSync(path.resolve(__dirname, '..', '..', '..', 'plugins', 'preparation', 'dist', 'api.js')));
  expect(() => fromPlugin('@tomo/plugin-nope/api')).toThrow(/Cannot find module/);
});

test('anything else resolves from the plugin folder as usual: the host does not lend its other packages', () => {
  expect(fromPlugin('own-dep')).toBe(path.join(pluginDir, 'node_modules', 'own-dep', 'index.js'));
  expect(() => fromPlugin('koa')).toThrow(/Cannot find module 'koa'/);
  expect(() => fromPlugin('zodiac')).toThrow(/Cannot find module 'zodiac'/); // a name prefix is not a match
  expect(requireFrom(kernelEntry)('koa').startsWith(path.join(repoNodeModules, 'koa') + path.sep)).toBe(true);
  expect(fromPlugin('node:path')).toBe('node:path');
});

test('installing again only updates the kernel entry', () => {
  const other = path.join(pluginDir, 'index.js');
  installSharedModuleResolution(other);
  try {
    expect(fromPlugin('@tomo/kernel')).toBe(other);
  } finally {
    installSharedModuleResolution(kernelEntry);
  }
});
