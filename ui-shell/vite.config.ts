/**
 * Builds the shell app (index.html + src/main.ts) into `dist/`. Vue, Pinia, vue-router and the kit
 * stay bare imports, resolved in the browser by the import map in index.html to the files the
 * vendor build (vite.vendor.config.ts, run first) wrote to `dist/vendor/`, which this build keeps.
 */
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { SHARED_MODULE_NAMES, sharedImportsOnly } from './build/shared-modules.mjs';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue(), sharedImportsOnly()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
    rolldownOptions: {
      external: [...SHARED_MODULE_NAMES],
    },
  },
});
