import { computed, shallowRef, type Component, type ComputedRef, type MaybeRefOrGetter, toValue } from 'vue';

/**
 * Plugin slots: a panel names a place (`servers.detail.tabs`) and other plugins put items there
 * through their manifest (`ui.slots`). The kit does not know the manifest or how a plugin's code is
 * loaded; the shell registers a {@link PluginSlotResolver} at start-up that does both, and
 * `TPluginSlot` / `TPluginSlotItem` / {@link usePluginSlot} go through it.
 */

/** One item placed into a slot, as a panel sees it. */
export interface PluginSlotItem {
  /** Unique within the slot: `<pluginId>:<id>`. Use it as the `key` and in URLs. */
  key: string;
  /** The item's id, unique within its plugin. */
  id: string;
  /** The plugin that placed the item (and renders it). */
  pluginId: string;
  /** A short label (a tab title, a card title). */
  title: string;
  /** The export of the plugin's bundle that renders the item. */
  component: string;
  order?: number;
}

/** What the shell gives the kit so slots can be listed and rendered. */
export interface PluginSlotResolver {
  /**
   * The items placed into slot `name`, in display order. Called inside a `computed`, so reactive
   * sources read here (the loaded manifest) keep the list current.
   */
  items(name: string): PluginSlotItem[];
  /**
   * Renders one item with the props `item` (an object `items()` returned) and `props` (passed to
   * the plugin's component). It loads the plugin's code and shows an error card when that fails.
   */
  host: Component;
}

const resolver = shallowRef<PluginSlotResolver | null>(null);

/**
 * Makes plugin slots work: the shell calls this once with its resolver. Returns a function that
 * removes it again (tests). A later call replaces an earlier one.
 */
export function registerPluginSlots(next: PluginSlotResolver): () => void {
  resolver.value = next;
  return () => {
    if (resolver.value === next) resolver.value = null;
  };
}

/** The registered resolver, or null when the page runs outside the shell (or in a test without one). */
export function pluginSlotResolver(): PluginSlotResolver | null {
  return resolver.value;
}

/**
 * The items placed into a slot, kept current. Empty when nothing is placed there, or when no
 * shell registered slot support. Use it to build tabs or menus, and render each item with `TPluginSlotItem`.
 *
 * @example
 * const tabs = usePluginSlot('servers.detail.tabs');
 * // <TPluginSlotItem v-for="item in tabs" :key="item.key" :item="item" :props="{ serverId }" />
 */
export function usePluginSlot(name: MaybeRefOrGetter<string>): ComputedRef<PluginSlotItem[]> {
  return computed(() => {
    const current = resolver.value;
    if (!current) return [];
    try {
      return current.items(toValue(name));
    } catch (err) {
      console.error(`[tomo] The items of slot "${toValue(name)}" could not be listed`, err);
      return [];
    }
  });
}
