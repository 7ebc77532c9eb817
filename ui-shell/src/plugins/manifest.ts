/**
 * The shape of `GET /api/ui/manifest`: every plugin's console contribution, known before any of
 * its code loads. Mirrors the kernel's `UiManifestEntry` (kernel/src/ui/ui-types.ts); the shell
 * cannot import the kernel, so the few fields it reads are repeated here.
 */

/** Who may open a route or see a nav item. Admin-only items are already left out for users by the server. */
export type UiAccess = 'authenticated' | 'admin';

/** A page a plugin adds; `component` names an export of the plugin's entry module. */
export interface UiRoute {
  path: string;
  component: string;
  title: string;
  access?: UiAccess;
}

/** A sidebar entry. */
export interface UiNavItem {
  label: string;
  path: string;
  icon?: string;
  order?: number;
  access?: UiAccess;
  /** An export of the plugin's bundle shown after the label (a small count). */
  badge?: string;
}

/** A dashboard card, or an item in a named slot. */
export interface UiWidget {
  id: string;
  component: string;
  title: string;
  order?: number;
}

/** One plugin's part of the manifest. */
export interface PluginManifestEntry {
  id: string;
  version: string;
  /** URL of the bundle's ES module entry, e.g. `/ui/plugins/auth/index.js`. */
  entry: string;
  /** URLs of the bundle's stylesheets. */
  styles: string[];
  routes: UiRoute[];
  nav: UiNavItem[];
  widgets: UiWidget[];
  slots: Record<string, UiWidget[]>;
}

/** The whole manifest. */
export interface UiManifest {
  plugins: PluginManifestEntry[];
}

/** What the plugin host needs to know to load a plugin's code. */
export type PluginBundle = Pick<PluginManifestEntry, 'id' | 'entry' | 'styles'>;

/** Sorts by `order` (missing last), then by a label. */
export function byOrder<T extends { order?: number }>(label: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER) || label(a).localeCompare(label(b));
}

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * Reads the manifest defensively: a plugin entry without an id or entry URL is dropped (with a
 * console warning naming it) instead of breaking the shell; missing lists become empty lists.
 */
export function normalizeManifest(raw: unknown): PluginManifestEntry[] {
  const plugins = list<Partial<PluginManifestEntry>>((raw as Partial<UiManifest> | undefined)?.plugins);
  const result: PluginManifestEntry[] = [];
  for (const p of plugins) {
    if (!p || typeof p.id !== 'string' || typeof p.entry !== 'string') {
      console.warn('[tomo] Ignoring a manifest entry without id or entry', p);
      continue;
    }
    const slots: Record<string, UiWidget[]> = {};
    for (const [name, items] of Object.entries(p.slots ?? {})) slots[name] = list<UiWidget>(items);
    result.push({
      id: p.id,
      version: typeof p.version === 'string' ? p.version : '',
      entry: p.entry,
      styles: list<string>(p.styles).filter((s) => typeof s === 'string'),
      routes: list<UiRoute>(p.routes).filter((r) => typeof r?.path === 'string' && typeof r.component === 'string'),
      nav: list<UiNavItem>(p.nav)
        .filter((n) => typeof n?.path === 'string' && typeof n.label === 'string')
        .map((n) => (n.badge === undefined || typeof n.badge === 'string' ? n : { ...n, badge: undefined })),
      widgets: list<UiWidget>(p.widgets).filter((w) => typeof w?.component === 'string'),
      slots,
    });
  }
  return result;
}
