import type { UserConfig } from 'vite';

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

/**
 * The Vite config of a plugin's console panels, the same for every plugin, built-in or third-party:
 *
 * ```ts
 * // plugins/<id>/ui/vite.config.ts
 * import { definePanelConfig } from '@tomo/ui-shell/panel-vite-config';
 * export default definePanelConfig({ from: import.meta.url, entry: './index.ts', outDir: '../dist/ui' });
 * ```
 *
 * Output: `<outDir>/index.js`, an ES module whose named exports are the components the plugin's
 * UI contribution names, and `<outDir>/index.css` when the panels import CSS (the server lists
 * every .css file of the folder in the manifest; the shell links them). Vue, Pinia, vue-router
 * and `@tomo/ui-shell/kit` stay bare imports, resolved by the shell's import map, so a panel
 * built anywhere runs in the shell without rebuilding it. Any other bare import left in the
 * output fails the build.
 */
export declare function definePanelConfig(options: PanelConfigOptions): UserConfig;
