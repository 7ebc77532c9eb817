import type { Plugin } from 'vite';

/** The modules shared through the import map, and the URL each maps to. */
export declare const SHARED_MODULES: Readonly<{
  vue: '/vendor/vue.js';
  pinia: '/vendor/pinia.js';
  'vue-router': '/vendor/vue-router.js';
  '@tomo/ui-shell/kit': '/vendor/kit.js';
}>;
/** The bare names a build must leave external. */
export declare const SHARED_MODULE_NAMES: ReadonlyArray<keyof typeof SHARED_MODULES>;
/** Vue's compile-time flags for production builds. */
export declare const VUE_PRODUCTION_DEFINES: Readonly<Record<string, string>>;
/** A Vite plugin failing the build when an output file imports a bare name outside the import map. */
export declare function sharedImportsOnly(): Plugin;
