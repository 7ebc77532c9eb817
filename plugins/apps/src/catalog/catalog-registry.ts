import path from 'node:path';
import { parseAppDefinition, type NormalizeOptions } from './definition-schema';
import type { CatalogIssue } from './issues';
import type { CatalogEntry, CatalogLoadResult, CatalogSource, CatalogSourceInfo, CatalogSourceKind } from './catalog-types';
import { loadYamlCatalog, type YamlCatalogOptions } from './load-yaml-catalog';
import { loadPortainerTemplates } from './portainer-templates';
import { compareNames } from './compare-names';

/*
 * The catalog: every source merged into one list of apps, by precedence, with reload and search.
 *
 * Precedence (lowest first; for the same app id the higher source wins, and the override is reported):
 *   0 import   Portainer template files: third-party lists, they never replace a curated app
 *   1 builtin  the catalog/ folder shipped with Tomo
 *   2 plugin   catalogs contributed by plugins
 *   3 folder   the admin's extra folders (the admin has the last word)
 * Within one kind, sources registered later win over earlier ones.
 */

export type { CatalogEntry, CatalogLoadResult, CatalogSource, CatalogSourceInfo, CatalogSourceKind } from './catalog-types';

/** Rank of each kind: higher wins. */
export const SOURCE_PRECEDENCE: Readonly<Record<CatalogSourceKind, number>> = Object.freeze({ import: 0, builtin: 1, plugin: 2, folder: 3 });

/** Where one definition of an id comes from. */
export interface CatalogRef {
  source: string;
  file: string;
  entry?: string;
}

/** The same id defined by two sources: `winner` is in the catalog, `shadowed` is not. */
export interface CatalogOverride {
  id: string;
  winner: CatalogRef;
  shadowed: CatalogRef;
}

/** One source after a (re)load: its apps (ids, including shadowed ones) and its problems. */
export interface CatalogSummary extends CatalogSourceInfo {
  precedence: number;
  /** Ids of the valid apps this source defines, in its order (some may be shadowed by a higher source). */
  appIds: string[];
  errors: CatalogIssue[];
  warnings: CatalogIssue[];
  skipped: CatalogIssue[];
}

export interface CatalogSearch {
  /** Words, all of which must appear (case-insensitive) in the id, name, description, category or tags. */
  text?: string;
  /** Exact category (case-insensitive). */
  category?: string;
  /** At most this many results (default: all). */
  limit?: number;
}

/** Everything one (re)load produced; replaced as a whole, so readers never see a half-loaded catalog. */
export interface CatalogSnapshot {
  entries: ReadonlyArray<CatalogEntry>;
  catalogs: ReadonlyArray<CatalogSummary>;
  overrides: ReadonlyArray<CatalogOverride>;
  errors: ReadonlyArray<CatalogIssue>;
  warnings: ReadonlyArray<CatalogIssue>;
  loadedAt: Date;
  durationMs: number;
}

interface Indexed {
  entry: CatalogEntry;
  haystack: string;
  name: string;
  id: string;
  category: string;
}

const MAX_QUERY = 200;

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

/** A folder of YAML definitions (the built-in catalog, a plugin's folder, an admin's extra folder). */
export function yamlFolderSource(options: { dir: string; kind: CatalogSourceKind; id?: string; label?: string } & YamlCatalogOptions): CatalogSource {
  const { dir, kind, id, label, ...loadOptions } = options;
  // Unchanged files are not parsed again on a reload (see YamlCatalogOptions.cache).
  const cache = loadOptions.cache ?? new Map();
  return {
    id: id ?? (kind === 'builtin' ? 'builtin' : `${kind}:${dir}`),
    label: label ?? (kind === 'builtin' ? 'Built-in catalog' : dir),
    kind,
    load: () => loadYamlCatalog(dir, { ...loadOptions, cache }),
  };
}

/** A Portainer app-templates v2 JSON file. */
export function portainerFileSource(options: { file: string; id?: string; label?: string; kind?: CatalogSourceKind; maxFileBytes?: number }): CatalogSource {
  return {
    id: options.id ?? `import:${options.file}`,
    label: options.label ?? `Portainer templates (${path.basename(options.file)})`,
    kind: options.kind ?? 'import',
    load: () => loadPortainerTemplates(options.file, { maxFileBytes: options.maxFileBytes }),
  };
}

/**
 * Definitions given as objects (e.g. a plugin that builds them in code); `definitions()` is called
 * on every load, so a plugin can change them and ask for a reload.
 */
export function inlineSource(options: {
  id: string;
  label?: string;
  kind: CatalogSourceKind;
  definitions: () => ReadonlyArray<unknown> | Promise<ReadonlyArray<unknown>>;
} & NormalizeOptions): CatalogSource {
  return {
    id: options.id,
    label: options.label ?? options.id,
    kind: options.kind,
    load: async () => {
      const result: CatalogLoadResult = { apps: [], errors: [], warnings: [], skipped: [] };
      const seen = new Set<string>();
      (await options.definitions()).forEach((raw, i) => {
        const where = `${options.id}#${i}`;
        const r = parseAppDefinition(raw, where, options);
        result.errors.push(...r.errors);
        result.warnings.push(...r.warnings);
        if (!r.app) return;
        if (seen.has(r.app.id)) return result.errors.push({ file: where, field: 'id', message: `duplicate id "${r.app.id}" in the same source; skipped` });
        seen.add(r.app.id);
        result.apps.push({ definition: r.app, file: where });
      });
      return result;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const EMPTY: CatalogSnapshot = Object.freeze({ entries: [], catalogs: [], overrides: [], errors: [], warnings: [], loadedAt: new Date(0), durationMs: 0 });

export class CatalogRegistry {
  private readonly sources: CatalogSource[] = [];
  private snapshot: CatalogSnapshot = EMPTY;
  private byId = new Map<string, CatalogEntry>();
  private index: Indexed[] = [];
  private running: Promise<CatalogSnapshot> | undefined;
  private queued: Promise<CatalogSnapshot> | undefined;

  constructor(sources: ReadonlyArray<CatalogSource> = []) {
    for (const s of sources) this.addSource(s);
  }

  /** Registers a source (takes effect at the next `reload()`). Throws on a duplicate source id: that is a programming error. */
  addSource(source: CatalogSource): void {
    if (this.sources.some((s) => s.id === source.id)) throw new Error(`catalog source "${source.id}" is already registered`);
    if (!(source.kind in SOURCE_PRECEDENCE)) throw new Error(`catalog source "${source.id}" has an unknown kind "${source.kind}"`);
    this.sources.push(source);
  }

  /** Unregisters a source (e.g. its plugin was disabled); takes effect at the next `reload()`. */
  removeSource(id: string): boolean {
    const i = this.sources.findIndex((s) => s.id === id);
    if (i < 0) return false;
    this.sources.splice(i, 1);
    return true;
  }

  /** Registered sources, in precedence order (lowest first). */
  listSources(): CatalogSourceInfo[] {
    return this.ordered().map(({ id, label, kind }) => ({ id, label, kind }));
  }

  /**
   * Reads every source again and swaps the catalog in one step; readers keep the previous catalog
   * until then. Never rejects: a source that throws is one error and contributes nothing. A call
   * while a reload runs is queued behind it (calls arriving meanwhile share that queued reload), so
   * the result always reflects the files as they were after the call.
   */
  reload(): Promise<CatalogSnapshot> {
    if (!this.running) {
      this.running = this.doReload().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    if (!this.queued) {
      this.queued = this.running.then(() => {
        this.queued = undefined;
        return this.reload();
      });
    }
    return this.queued;
  }

  private ordered(): CatalogSource[] {
    return this.sources.map((s, i) => ({ s, i })).sort((a, b) => SOURCE_PRECEDENCE[a.s.kind] - SOURCE_PRECEDENCE[b.s.kind] || a.i - b.i).map((x) => x.s);
  }

  private async doReload(): Promise<CatalogSnapshot> {
    const started = performance.now();
    const sources = this.ordered();
    const results = await Promise.all(
      sources.map(async (source): Promise<CatalogLoadResult> => {
        try {
          const r = await source.load();
          return { apps: r.apps ?? [], errors: r.errors ?? [], warnings: r.warnings ?? [], skipped: r.skipped ?? [] };
        } catch (err) {
          return { apps: [], errors: [{ file: source.id, field: '', message: `catalog source failed to load: ${(err as Error)?.message ?? String(err)}` }], warnings: [], skipped: [] };
        }
      }),
    );

    const byId = new Map<string, CatalogEntry>();
    const overrides: CatalogOverride[] = [];
    const catalogs: CatalogSummary[] = [];
    const ref = (e: CatalogEntry): CatalogRef => ({ source: e.source.id, file: e.file, ...(e.entry ? { entry: e.entry } : {}) });
    sources.forEach((source, k) => {
      const info: CatalogSourceInfo = { id: source.id, label: source.label, kind: source.kind };
      const r = results[k];
      const ids: string[] = [];
      for (const app of r.apps) {
        const entry: CatalogEntry = { definition: app.definition, source: info, file: app.file, ...(app.entry ? { entry: app.entry } : {}), ...(app.imported ? { imported: app.imported } : {}) };
        const previous = byId.get(app.definition.id);
        if (previous) overrides.push({ id: app.definition.id, winner: ref(entry), shadowed: ref(previous) });
        byId.set(app.definition.id, entry);
        ids.push(app.definition.id);
      }
      catalogs.push({ ...info, precedence: SOURCE_PRECEDENCE[source.kind], appIds: ids, errors: r.errors, warnings: r.warnings, skipped: r.skipped });
    });
    // An override chain (a < b < c) reports c over a and c over b, not b over a: the final winner.
    const finalOverrides = overrides.map((o) => ({ ...o, winner: ref(byId.get(o.id)!) }));

    const entries = [...byId.values()].sort((a, b) => compareNames(a.definition.name, b.definition.name) || compareNames(a.definition.id, b.definition.id));
    const index = entries.map((entry): Indexed => {
      const d = entry.definition;
      return {
        entry,
        haystack: [d.id, d.name, d.description, d.category, ...d.tags].join('\n').toLowerCase(),
        name: d.name.toLowerCase(),
        id: d.id,
        category: d.category,
      };
    });
    const snapshot: CatalogSnapshot = Object.freeze({
      entries: Object.freeze(entries),
      catalogs: Object.freeze(catalogs),
      overrides: Object.freeze(finalOverrides),
      errors: Object.freeze(catalogs.flatMap((c) => c.errors)),
      warnings: Object.freeze(catalogs.flatMap((c) => c.warnings)),
      loadedAt: new Date(),
      durationMs: performance.now() - started,
    });
    this.snapshot = snapshot;
    this.byId = byId;
    this.index = index;
    return snapshot;
  }

  /** The current catalog (empty until the first `reload()`). */
  current(): CatalogSnapshot {
    return this.snapshot;
  }

  /** Every app, sorted by name. */
  list(): ReadonlyArray<CatalogEntry> {
    return this.snapshot.entries;
  }

  /** One app by id. */
  get(id: string): CatalogEntry | undefined {
    return this.byId.get(id);
  }

  /** Categories with their number of apps, sorted by name. */
  categories(): Array<{ category: string; count: number }> {
    const counts = new Map<string, number>();
    for (const e of this.snapshot.entries) counts.set(e.definition.category, (counts.get(e.definition.category) ?? 0) + 1);
    return [...counts.entries()].sort(([a], [b]) => compareNames(a, b)).map(([category, count]) => ({ category, count }));
  }

  /** Each source with its apps and problems, in precedence order. */
  catalogs(): ReadonlyArray<CatalogSummary> {
    return this.snapshot.catalogs;
  }

  /**
   * Apps matching every word of `text` (in id, name, description, category or tags) and the
   * category, case-insensitive. Best matches first: name starts with the query, then a word of the
   * name matches, then the rest; ties by name.
   */
  search(query: CatalogSearch = {}): CatalogEntry[] {
    const text = (query.text ?? '').slice(0, MAX_QUERY).toLowerCase().trim();
    const words = text ? [...new Set(text.split(/\s+/))].slice(0, 16) : [];
    const category = query.category?.trim().toLowerCase() || undefined;
    const limit = query.limit !== undefined && query.limit >= 0 ? query.limit : Infinity;
    const hits: Array<{ item: Indexed; score: number; order: number }> = [];
    this.index.forEach((item, order) => {
      if (category !== undefined && item.category !== category) return;
      for (const w of words) if (!item.haystack.includes(w)) return;
      let score = 0;
      if (text) {
        if (item.name === text || item.id === text) score = 4;
        else if (item.name.startsWith(text) || item.id.startsWith(text)) score = 3;
        else if (words.every((w) => item.name.includes(w) || item.id.includes(w))) score = 2;
        else if (words.some((w) => item.name.includes(w) || item.id.includes(w))) score = 1;
      }
      hits.push({ item, score, order });
    });
    hits.sort((a, b) => b.score - a.score || a.order - b.order);
    return hits.slice(0, limit).map((h) => h.item.entry);
  }
}
