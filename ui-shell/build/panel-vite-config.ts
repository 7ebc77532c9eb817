/**
 * The Vite config of a plugin's console panels, shared by every plugin (built-in or third-party):
 *
 * ```ts
 * // plugins/<id>/ui/vite.config.ts
 * import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';
 * export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
 * ```
 *
 * It builds one ES module, `<outDir>/index.js` (stable name: the plugin's UI contribution names
 * it as its `entry`), plus `<outDir>/index.css` when the panels import CSS (the server lists
 * every .css file of the folder in the manifest, and the shell links them). Vue, Pinia,
 * vue-router and `@tomo/ui-shell/kit` stay bare imports, which the shell's import map resolves:
 * a panel built anywhere runs in any Tomo with the same major versions of those modules.
 */
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';
import { SHARED_MODULE_NAMES, sharedImportsOnly, VUE_PRODUCTION_DEFINES } from './shared-modules.ts';

/** Options of {@link definePanelConfig}. */
export interface PanelConfigOptions {
  /** `import.meta.url` of the config file; `entry` and `outDir` are relative to its folder. */
  from: string;
  /** The module exporting the panel components, e.g. `./index.ts`. */
  entry: string;
  /** Where the bundle goes, e.g. `../dist/ui`. Emptied before each build. */
  outDir: string;
  /** Base name of the output files (default `index`: `index.js`, `index.css`). */
  fileName?: string;
}

/** A complete Vite config for a plugin's panel bundle. */
export function definePanelConfig(options: PanelConfigOptions): UserConfig {
  const folder = new URL('.', options.from);
  const resolve = (relative: string) => fileURLToPath(new URL(relative, folder));
  const name = options.fileName ?? 'index';
  const shared = new Set<string>(SHARED_MODULE_NAMES);
  return {
    root: resolve('.'),
    plugins: [vue(), sharedImportsOnly()],
    define: VUE_PRODUCTION_DEFINES,
    publicDir: false,
    build: {
      outDir: resolve(options.outDir),
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      lib: {
        entry: resolve(options.entry),
        formats: ['es'],
        fileName: () => `${name}.js`,
        cssFileName: name,
      },
      rolldownOptions: {
        external: (id) => shared.has(id),
        // Code-split chunks (a panel's own dynamic imports) sit beside the entry; their names may change.
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
      },
    },
  };
}
