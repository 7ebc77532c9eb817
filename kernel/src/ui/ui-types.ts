import type { Access } from '../access/principal';

/** A page a plugin adds to the console router. `component` is an export of the plugin's bundle. */
export interface UiRoute {
  path: string;
  component: string;
  title: string;
  access?: Exclude<Access, 'public'>;
}

/** An entry in the console's sidebar. */
export interface UiNavItem {
  label: string;
  path: string;
  /** A short icon name the shell knows (e.g. `users`, `key`, `server`); unknown names show a dot. */
  icon?: string;
  /** Lower first. */
  order?: number;
  access?: Exclude<Access, 'public'>;
}

/** A card on the dashboard. */
export interface UiWidget {
  id: string;
  component: string;
  title: string;
  order?: number;
}

/** Something placed into a named slot another panel renders (e.g. a tab on the server page). */
export interface UiSlotItem {
  id: string;
  component: string;
  title: string;
  order?: number;
}

/**
 * A plugin's console contribution, known statically (before any code loads) so the shell can
 * build its navigation from the manifest alone.
 */
export interface UiContribution {
  /** Absolute folder of the built panel bundle (Vite library build, ES module). */
  bundleDir: string;
  /** The entry module's file name inside `bundleDir`. */
  entry: string;
  routes?: UiRoute[];
  nav?: UiNavItem[];
  widgets?: UiWidget[];
  slots?: Record<string, UiSlotItem[]>;
}

/** One plugin's part of `/api/ui/manifest`. */
export interface UiManifestEntry {
  id: string;
  version: string;
  /** URL of the bundle's entry module. */
  entry: string;
  routes: UiRoute[];
  nav: UiNavItem[];
  widgets: UiWidget[];
  slots: Record<string, UiSlotItem[]>;
}
