import type { Logger } from 'pino';
import { badRequest, notFound } from '@tomo/kernel';
import { CatalogRegistry, portainerFileSource, yamlFolderSource, type CatalogEntry, type CatalogSource } from '../catalog/catalog-registry';
import type { AppDefinition } from '../catalog/definition-schema';
import type { CatalogAppSummary, CatalogImportedView, CatalogListView, CatalogStatusView } from '../views';

/** Longest search text accepted (the registry ignores anything longer anyway). */
const MAX_QUERY = 200;

/**
 * The sources an admin configured (`catalog.dirs`, `TOMO_CATALOG_DIRS`): a folder of YAML
 * definitions, or a `.json` file in Portainer's app-template v2 format (read as it is).
 */
export function configuredSources(entries: readonly string[]): CatalogSource[] {
  return entries.map((entry) =>
    entry.toLowerCase().endsWith('.json') ? portainerFileSource({ file: entry }) : yamlFolderSource({ dir: entry, kind: 'folder' }),
  );
}

function summaryOf(entry: CatalogEntry): CatalogAppSummary {
  const app = entry.definition;
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    category: app.category,
    tags: [...app.tags],
    ...(app.version ? { version: app.version } : {}),
    ...(app.icon ? { icon: app.icon } : {}),
    ...(app.website ? { website: app.website } : {}),
    image: app.image,
    requiresAdmin: app.security.requiresAdmin,
    warningCount: app.security.warnings.length,
    source: { ...entry.source },
    ...(entry.imported ? { store: { ...entry.imported.store } } : {}),
    ...(entry.imported?.unavailable ? { unavailable: entry.imported.unavailable } : {}),
  };
}

/**
 * The merged catalog as the routes and MCP tools serve it: search, one app, the sources' status,
 * and reload without restarting Tomo. A source that throws or a file that is broken is reported
 * (in the status and the log) and never takes the catalog down.
 */
export class CatalogService {
  private readonly registry = new CatalogRegistry();
  /** The first load: started by the first reader (see {@link load}). */
  private firstLoad?: Promise<unknown>;

  constructor(
    sources: readonly CatalogSource[],
    private readonly log: Logger,
  ) {
    for (const source of sources) this.registry.addSource(source);
  }

  /**
   * Loads the catalog the first time (later calls wait for that one). Parsing the definitions is
   * start-up's largest piece of plugin work, and what they hold (with the YAML parser) is ~2-3 MB
   * an instance keeps (issue 19: start-up time and idle memory). No first request needs it, so
   * the first reader (the console's catalog page, an agent's `list_catalog`, an install, an update
   * check) starts it, and every reader below waits for it: nobody ever sees an empty catalog.
   * A broken definition is logged then, not at start (`tomo doctor` or the catalog page say it at once).
   */
  load(): Promise<unknown> {
    this.firstLoad ??= this.reload();
    return this.firstLoad;
  }

  /** Loads every source again; readers keep seeing the previous catalog until this one is complete. */
  async reload(): Promise<CatalogStatusView> {
    const snapshot = await this.registry.reload();
    for (const issue of snapshot.errors) this.log.warn({ file: issue.file, field: issue.field }, `Catalog definition skipped: ${issue.message}`);
    this.log.info({ apps: snapshot.entries.length, errors: snapshot.errors.length, durationMs: Math.round(snapshot.durationMs) }, 'Catalog loaded');
    return this.snapshotStatus();
  }

  async search(query: { q?: string; category?: string; limit?: number }): Promise<CatalogListView> {
    if (query.q !== undefined && query.q.length > MAX_QUERY) throw badRequest('q', `must be at most ${MAX_QUERY} characters`);
    await this.load();
    const apps = this.registry.search({ text: query.q, category: query.category, limit: query.limit }).map(summaryOf);
    return { apps, categories: this.registry.categories(), total: this.registry.list().length };
  }

  /** The app's full definition and where it comes from; 404 naming the id when there is none. */
  async get(appId: string): Promise<{ app: AppDefinition; source: CatalogEntry['source']; imported?: CatalogImportedView }> {
    await this.load();
    const entry = this.registry.get(appId);
    if (!entry) throw notFound(`App "${appId}"`);
    const imported = entry.imported;
    return {
      app: entry.definition,
      source: entry.source,
      ...(imported ? { imported: { ...imported, store: { ...imported.store }, refusals: imported.refusals.map((r) => ({ ...r })) } } : {}),
    };
  }

  /** Why the catalog's app cannot be installed (an imported app Tomo cannot honour), if it cannot. */
  async unavailable(appId: string): Promise<string | undefined> {
    await this.load();
    return this.registry.get(appId)?.imported?.unavailable;
  }

  /** Like {@link get}, or undefined. */
  async find(appId: string): Promise<AppDefinition | undefined> {
    await this.load();
    return this.registry.get(appId)?.definition;
  }

  async status(): Promise<CatalogStatusView> {
    await this.load();
    return this.snapshotStatus();
  }

  private snapshotStatus(): CatalogStatusView {
    const snapshot = this.registry.current();
    return {
      catalogs: snapshot.catalogs.map((c) => ({
        id: c.id,
        label: c.label,
        kind: c.kind,
        precedence: c.precedence,
        appIds: [...c.appIds],
        errors: c.errors.map((i) => ({ ...i })),
        warnings: c.warnings.map((i) => ({ ...i })),
        skipped: c.skipped.map((i) => ({ ...i })),
      })),
      overrides: snapshot.overrides.map((o) => ({ id: o.id, winner: { source: o.winner.source, file: o.winner.file }, shadowed: { source: o.shadowed.source, file: o.shadowed.file } })),
      loadedAt: snapshot.loadedAt.toISOString(),
      durationMs: Math.round(snapshot.durationMs * 10) / 10,
    };
  }
}
