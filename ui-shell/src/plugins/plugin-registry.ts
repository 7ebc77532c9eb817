import { api, ApiError, registerPluginSlots, useSession } from '@tomo/ui-shell/kit';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Router } from 'vue-router';
import PluginHost from './PluginHost.vue';
import PluginSlotHost from './PluginSlotHost.vue';
import { byOrder, normalizeManifest, type PluginBundle, type PluginManifestEntry, type UiNavItem, type UiWidget } from './manifest';

/** The parent route every plugin page is added under (it renders the layout). */
export const LAYOUT_ROUTE = 'layout';

/** Paths the shell owns; a plugin route on one of these is ignored. */
const RESERVED_PATHS = new Set(['/', '/login', '/setup']);

/** A sidebar entry with the plugin it comes from (whose bundle renders its badge). */
export interface NavEntry extends UiNavItem {
  pluginId: string;
  plugin: PluginBundle;
}

/** A dashboard card or slot item with the bundle that renders it. */
export interface PlacedWidget extends UiWidget {
  plugin: PluginBundle;
}

/** An item placed into a named slot, as the kit's `usePluginSlot` lists it. */
export interface PlacedSlotItem extends PlacedWidget {
  /** `<pluginId>:<id>`, unique within the slot. */
  key: string;
  pluginId: string;
}

function bundleOf(p: PluginManifestEntry): PluginBundle {
  return { id: p.id, entry: p.entry, styles: p.styles };
}

/** Pauses between attempts to read the manifest (see `load`). */
export const MANIFEST_RETRY_DELAYS_MS = [500, 1000];

const isRefusal = (err: unknown): boolean => err instanceof ApiError && err.status >= 400 && err.status < 500;

/** `GET /api/ui/manifest`, tried again after each of MANIFEST_RETRY_DELAYS_MS unless it was refused (4xx). */
async function fetchManifest(): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.get<unknown>('/api/ui/manifest');
    } catch (err) {
      if (isRefusal(err) || attempt >= MANIFEST_RETRY_DELAYS_MS.length) throw err;
      await new Promise((resolve) => setTimeout(resolve, MANIFEST_RETRY_DELAYS_MS[attempt]));
    }
  }
}

/**
 * The manifest for the signed-in user, and the plugin routes it added to the router. Loaded by
 * the router guard after sign-in, and again whenever a different user signs in.
 */
export const usePluginRegistry = defineStore('tomo.plugins', () => {
  const plugins = shallowRef<PluginManifestEntry[]>([]);
  /** Id of the user the manifest was loaded for; null when none is loaded. */
  const loadedFor = ref<string | null>(null);
  /** Why the manifest could not be loaded, or ''. */
  const error = ref('');
  let removeRoutes: Array<() => void> = [];

  const navItems = computed<NavEntry[]>(() => {
    const session = useSession();
    return plugins.value
      .flatMap((p) => p.nav.map((item) => ({ ...item, pluginId: p.id, plugin: bundleOf(p) })))
      .filter((item) => item.access !== 'admin' || session.isAdmin)
      .sort(byOrder((item) => item.label));
  });

  const widgets = computed<PlacedWidget[]>(() =>
    plugins.value.flatMap((p) => p.widgets.map((w) => ({ ...w, plugin: bundleOf(p) }))).sort(byOrder((w) => w.title)),
  );

  /** Items placed into a named slot, in order. */
  function slot(name: string): PlacedSlotItem[] {
    return plugins.value
      .flatMap((p) =>
        (p.slots[name] ?? [])
          .filter((w) => typeof w?.id === 'string' && typeof w.component === 'string')
          .map((w) => ({ ...w, title: typeof w.title === 'string' ? w.title : w.id, key: `${p.id}:${w.id}`, pluginId: p.id, plugin: bundleOf(p) })),
      )
      .sort(byOrder((w) => w.title));
  }

  // Panels reach slots through the kit (`TPluginSlot`, `usePluginSlot`), which must not import the
  // shell: the registry hands the kit its listing and its renderer when it is created, which the
  // router guard does before the first page is shown.
  registerPluginSlots({ items: slot, host: PluginSlotHost });

  function unregister(): void {
    for (const remove of removeRoutes) remove();
    removeRoutes = [];
  }

  function register(router: Router): void {
    const session = useSession();
    for (const plugin of plugins.value) {
      for (const route of plugin.routes) {
        if (!route.path.startsWith('/') || RESERVED_PATHS.has(route.path)) {
          console.warn(`[tomo] Plugin "${plugin.id}": route ${route.path} is not allowed and was ignored`);
          continue;
        }
        if (route.access === 'admin' && !session.isAdmin) continue;
        const name = `plugin:${plugin.id}:${route.path}`;
        if (router.hasRoute(name)) continue;
        removeRoutes.push(
          router.addRoute(LAYOUT_ROUTE, {
            path: route.path,
            name,
            component: PluginHost,
            props: { plugin: bundleOf(plugin), component: route.component },
            meta: { title: route.title, access: route.access ?? 'authenticated', pluginId: plugin.id },
          }),
        );
      }
    }
  }

  /**
   * Reads the manifest for `userId` (asked only once someone is signed in) and replaces the
   * plugin routes. A failure other than a refusal (a dropped connection, a 5xx) is tried again
   * twice, 0.5 s then 1 s later: without the manifest every plugin page and tab is missing until
   * the next sign-in or reload. What still fails leaves the shell usable without plugins and
   * records the reason in `error`.
   */
  async function load(router: Router, userId: string): Promise<void> {
    unregister();
    try {
      plugins.value = normalizeManifest(await fetchManifest());
      error.value = '';
    } catch (err) {
      plugins.value = [];
      error.value = err instanceof ApiError ? err.message : String(err);
      if (!(err instanceof ApiError && err.status === 401)) console.error('[tomo] The plugin manifest could not be loaded', err);
    }
    register(router);
    loadedFor.value = userId;
  }

  /** Forgets the manifest and removes the plugin routes (sign-out, session end). */
  function reset(): void {
    unregister();
    plugins.value = [];
    loadedFor.value = null;
    error.value = '';
  }

  return { plugins, loadedFor, error, navItems, widgets, slot, load, reset };
});
