import type { Access } from '../access/principal';

/** A page a plugin adds to the console router. `component` is an export of the plugin's bundle. */
export interface UiRoute {
  /** The console path, starting with `/` (`/`, `/login` and `/setup` are the shell's own). */
  path: string;
  /** The name of the bundle's export that renders the page. */
  component: string;
  /** Shown in the header and the browser tab. */
  title: string;
  /** `admin` leaves the page out of a `user`'s manifest; default `authenticated` (every signed-in user). */
  access?: Exclude<Access, 'public'>;
}

/** An entry in the console's sidebar. */
export interface UiNavItem {
  /** The entry's text. */
  label: string;
  /** The console path it opens (usually one of the plugin's {@link UiRoute} paths). */
  path: string;
  /** A short icon name the shell knows (e.g. `users`, `key`, `server`); unknown names show a dot. */
  icon?: string;
  /** Lower first. */
  order?: number;
  /** As {@link UiRoute.access}: `admin` hides the entry from users. */
  access?: Exclude<Access, 'public'>;
  /**
   * The name of a bundle export shown after the label (a small count, e.g. firing alerts). It gets
   * no props, keeps itself current and renders nothing when there is nothing to show; while it
   * loads, or if it breaks, the entry shows without it.
   */
  badge?: string;
}

/** A card on the dashboard. */
export interface UiWidget {
  /** Unique within the plugin. */
  id: string;
  /** The name of the bundle's export that renders the card's body. */
  component: string;
  /** The card's title. */
  title: string;
  /** Lower first; cards without one come last. */
  order?: number;
}

/** Something placed into a named slot another panel renders (e.g. a tab on the server page). */
export interface UiSlotItem {
  /** Unique within the plugin. */
  id: string;
  /** The name of the bundle's export that renders the item; it gets the props the slot's owner documents. */
  component: string;
  /** A short label (a tab title). */
  title: string;
  /** Lower first; items without one come last. */
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
  /** Pages added to the console router. */
  routes?: UiRoute[];
  /** Sidebar entries. */
  nav?: UiNavItem[];
  /** Dashboard cards. */
  widgets?: UiWidget[];
  /** Items for other panels' named slots, keyed by slot name (e.g. `servers.detail.tabs`). */
  slots?: Record<string, UiSlotItem[]>;
}

/** One plugin's part of `/api/ui/manifest`. */
export interface UiManifestEntry {
  /** The plugin's id. */
  id: string;
  /** The plugin's version. */
  version: string;
  /** URL of the bundle's entry module. */
  entry: string;
  /** The plugin's pages this caller may open (admin-only ones left out for a user). */
  routes: UiRoute[];
  /** The plugin's sidebar entries this caller may see. */
  nav: UiNavItem[];
  /** The plugin's dashboard cards. */
  widgets: UiWidget[];
  /** The plugin's slot items, keyed by slot name. */
  slots: Record<string, UiSlotItem[]>;
}
