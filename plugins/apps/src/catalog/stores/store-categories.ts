/*
 * The stores' own category names mapped onto Tomo's categories (docs/catalog-format.md): the first
 * store category that maps gives the app's category, every store category becomes a tag.
 */

/** Store category (lowercase, words joined by "-") → Tomo category. */
const CATEGORY_MAP: Readonly<Record<string, string>> = {
  media: 'media', 'media-server': 'media', video: 'media', music: 'media', photos: 'media', gallery: 'media', entertainment: 'media', downloader: 'media', downloaders: 'media', books: 'media',
  storage: 'storage', files: 'storage', 'file-sync': 'storage', cloud: 'storage', backup: 'storage', 'backup-and-sync': 'storage', database: 'storage', databases: 'storage',
  network: 'network', networking: 'network', 'network-tools': 'network', vpn: 'network', dns: 'network', proxy: 'network', bitcoin: 'network', finance: 'productivity', crypto: 'network',
  security: 'security', 'password-manager': 'security', passwords: 'security', auth: 'security', authentication: 'security',
  monitoring: 'monitoring', analytics: 'monitoring', utilities: 'management', utility: 'management', tools: 'management', 'developer-tools': 'development', development: 'development', developer: 'development', ai: 'development',
  productivity: 'productivity', documents: 'productivity', social: 'productivity', communication: 'productivity', chat: 'productivity', notes: 'productivity', automation: 'home-automation',
  'home-automation': 'home-automation', 'smart-home': 'home-automation', automations: 'home-automation', iot: 'home-automation',
  home: 'home-automation', others: 'other', other: 'other',
  dashboard: 'dashboard', dashboards: 'dashboard', management: 'management', administration: 'management', 'system': 'management', gaming: 'media', games: 'media',
};

/** "Home Automation" → "home-automation". */
export function categoryKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** Tomo's category and the tags for a store's categories (`other` when none maps). */
export function mapCategories(storeCategories: ReadonlyArray<string>): { category: string; tags: string[] } {
  const keys = storeCategories.map(categoryKey).filter((k) => k !== '');
  const category = keys.map((k) => CATEGORY_MAP[k]).find((c) => c !== undefined) ?? 'other';
  const tags = [...new Set(keys)].filter((k) => k !== category).slice(0, 16);
  return { category, tags };
}
