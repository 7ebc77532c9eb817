// Plain JavaScript (with types in shared-modules.d.mts) so that Vite configs outside this
// package, e.g. a third-party plugin's, can load it from node_modules without a TypeScript step.
import { URL } from 'node:url';

/**
 * The modules the shell shares with every plugin panel through the import map in index.html.
 * The shell and each panel are built with these left as bare imports; the browser maps them to
 * the files under `/vendor/`, so there is exactly one Vue, one Pinia, one router and one kit.
 */
export const SHARED_MODULES = Object.freeze({
  vue: '/vendor/vue.js',
  pinia: '/vendor/pinia.js',
  'vue-router': '/vendor/vue-router.js',
  '@tomo/ui-shell/kit': '/vendor/kit.js',
});

/** The bare names a build must leave external. */
export const SHARED_MODULE_NAMES = Object.freeze(Object.keys(SHARED_MODULES));

/** Vue's compile-time flags for production builds (see Vue's esm-bundler notes). */
export const VUE_PRODUCTION_DEFINES = Object.freeze({
  'process.env.NODE_ENV': JSON.stringify('production'),
  // Third-party panels may be written with the Options API.
  __VUE_OPTIONS_API__: 'true',
  __VUE_PROD_DEVTOOLS__: 'false',
  __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
});

/** True for a bare module name (`vue`, `@scope/x`), false for a URL or a relative path. */
function isBare(specifier) {
  if (/^\.{0,2}\//.test(specifier)) return false;
  try {
    new URL(specifier);
    return false;
  } catch {
    return true;
  }
}

/**
 * A Vite plugin that fails the build when an output file still imports a bare module name other
 * than the shared ones: the browser could not resolve it (only the import map's names work).
 */
export function sharedImportsOnly() {
  const allowed = new Set(SHARED_MODULE_NAMES);
  return {
    name: 'tomo:shared-imports-only',
    generateBundle(_options, bundle) {
      const bad = [];
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) {
          if (isBare(id) && !allowed.has(id) && !(id in bundle)) bad.push(`${chunk.fileName} imports "${id}"`);
        }
      }
      if (bad.length) {
        this.error(`Bare imports the browser cannot resolve (only ${[...allowed].join(', ')} are in the import map):\n  ${bad.join('\n  ')}`);
      }
    },
  };
}
