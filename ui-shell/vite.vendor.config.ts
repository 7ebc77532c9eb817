/**
 * Builds the modules shared through the import map: `dist/vendor/{vue,pinia,vue-router,kit}.js`.
 * Each file bundles its own module and imports the others by their bare names, so at run time
 * there is one Vue, one Pinia, one router and one kit for the shell and every panel. Runs first
 * and empties `dist/`; the app build (vite.config.ts) then adds to it.
 */
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sharedImportsOnly, VUE_PRODUCTION_DEFINES, type SHARED_MODULES } from './build/shared-modules.mjs';

const file = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The vendor file of each shared module: the one place it is bundled. */
const vendorEntry: Record<keyof typeof SHARED_MODULES, string> = {
  vue: file('./build/vendor/vue.ts'),
  pinia: file('./build/vendor/pinia.ts'),
  'vue-router': file('./build/vendor/vue-router.ts'),
  '@tomo/ui-shell/kit': file('./src/kit/index.ts'),
};

export default defineConfig({
  root: file('.'),
  plugins: [vue(), sharedImportsOnly()],
  define: VUE_PRODUCTION_DEFINES,
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: {
      entry: { vue: vendorEntry.vue, pinia: vendorEntry.pinia, 'vue-router': vendorEntry['vue-router'], kit: vendorEntry['@tomo/ui-shell/kit'] },
      formats: ['es'],
      fileName: (_format, entryName) => `vendor/${entryName}.js`,
    },
    rolldownOptions: {
      // A shared module is bundled only into its own vendor file; everywhere else it stays a
      // bare import for the import map. Anything else pinia or vue-router import is bundled in.
      external: (id, importer) => id in vendorEntry && importer !== vendorEntry[id as keyof typeof vendorEntry],
      // Library builds keep whitespace by default; these files are only ever served to browsers.
      output: { chunkFileNames: 'vendor/chunks/[name].js', minify: true },
    },
  },
});
