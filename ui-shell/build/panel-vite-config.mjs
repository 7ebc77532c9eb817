// Plain JavaScript (with types in panel-vite-config.d.mts) so that a plugin's Vite config can
// load it from node_modules without a TypeScript step, in this repository or anywhere else.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath, URL } from 'node:url';
import { SHARED_MODULE_NAMES, sharedImportsOnly, VUE_PRODUCTION_DEFINES } from './shared-modules.mjs';

/**
 * The Vite config of a plugin's console panels (see panel-vite-config.d.mts for the options).
 * Builds one ES module `<outDir>/<fileName>.js` (stable name, the plugin's UI `entry`) and, when
 * the panels import CSS, `<outDir>/<fileName>.css`. Vue, Pinia, vue-router and the kit stay bare
 * imports for the shell's import map.
 */
export function definePanelConfig(options) {
  const folder = new URL('.', options.from);
  const resolve = (relative) => fileURLToPath(new URL(relative, folder));
  const name = options.fileName ?? 'index';
  const shared = new Set(SHARED_MODULE_NAMES);
  return {
    root: resolve('.'),
    plugins: [vue(), sharedImportsOnly()],
    define: { ...VUE_PRODUCTION_DEFINES },
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
        // Chunks of a panel's own dynamic imports sit beside the entry; their names may change.
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
      },
    },
  };
}
