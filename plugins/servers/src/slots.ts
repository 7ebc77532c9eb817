/**
 * The console slots the servers plugin's pages offer to other plugins (manifest `ui.slots`). One
 * constant for the page that renders a slot and the plugins that fill it, so a renamed slot is a
 * compile error instead of a tab that silently disappears. Plain strings only: the servers panel
 * bundles this file.
 */

/** Tabs of the server page; each item is rendered with the prop `serverId`. */
export const SERVER_DETAIL_TABS_SLOT = 'servers.detail.tabs';
