import fs from 'node:fs';
import path from 'node:path';
import { parseAppDefinition } from '../definition-schema';
import { DEFAULT_YAML_LIMITS, readLimited } from '../load-yaml-catalog';
import type { CatalogIssue } from '../issues';
import type { CatalogLoadResult, CatalogSource, CatalogSourceKind, LoadedApp } from '../catalog-types';
import { importComposeApp } from './compose-import';
import type { ComposeAppInput, StoreFormat, StoreInfo } from './store-types';

/*
 * A community store as a catalog source: one folder per app, each read by the store's reader
 * (casaos.ts, runtipi.ts, umbrel.ts) into the converter's input, converted (compose-import.ts) and
 * checked by the same schema as any catalog file. An app's refusals are the source's warnings (with
 * the app's file and field); an unavailable app is listed with its reason and refuses to install.
 * A reload reads each app's files again but converts only the apps whose files changed.
 */

/** What one store format knows: where its apps are and how to read one. */
export interface StoreReader {
  format: StoreFormat;
  /** The folder of the store (relative to the configured dir) that holds one folder per app, e.g. `Apps`. */
  appsFolder: string;
  /** The files read in each app's folder (a missing one is `undefined`), e.g. `['docker-compose.yml']`. */
  files: readonly string[];
  /** The name the store gives itself (e.g. a community Umbrel store's umbrel-app-store.yml), used when the admin gives none. */
  storeName?(dir: string): string | undefined;
  /** The converter's input, or why this folder is not an app (an error) or is left out (skipped). */
  read(app: { store: StoreInfo; appId: string; dir: string; files: Readonly<Record<string, string | undefined>> }): { input: ComposeAppInput } | { error: CatalogIssue } | { skipped: CatalogIssue };
}

export interface StoreSourceOptions {
  store: StoreInfo;
  /** The store's folder, as the project publishes it (a git checkout the admin made). */
  dir: string;
  reader: StoreReader;
  label?: string;
  /** Default `import`: a community store never replaces a curated app of the same id. */
  kind?: CatalogSourceKind;
}

interface AppOutcome {
  app?: LoadedApp;
  errors: CatalogIssue[];
  warnings: CatalogIssue[];
  skipped: CatalogIssue[];
}

const SLICE_MS = 10;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function composeStoreSource(options: StoreSourceOptions): CatalogSource {
  const { store, dir, reader } = options;
  const cache = new Map<string, { key: string; outcome: AppOutcome }>();
  return {
    id: `store:${store.id}`,
    label: options.label ?? `${store.name} (${dir})`,
    kind: options.kind ?? 'import',
    load: async (): Promise<CatalogLoadResult> => {
      const result: CatalogLoadResult = { apps: [], errors: [], warnings: [], skipped: [] };
      const appsDir = path.join(dir, reader.appsFolder);
      let names: string[];
      try {
        names = (await fs.promises.readdir(appsDir, { withFileTypes: true }))
          .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
          .map((e) => e.name)
          .sort();
      } catch (err) {
        result.errors.push({ file: appsDir, field: '', message: `cannot read the ${store.format} store's app folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        return result;
      }
      if (names.length > DEFAULT_YAML_LIMITS.maxFiles) {
        result.errors.push({ file: appsDir, field: '', message: `holds ${names.length} apps, more than the limit of ${DEFAULT_YAML_LIMITS.maxFiles}: only the first ones (by name) are read` });
        names = names.slice(0, DEFAULT_YAML_LIMITS.maxFiles);
      }
      const seen = new Set<string>();
      let sliceStart = performance.now();
      for (const appId of names) {
        const appDir = path.join(appsDir, appId);
        const files: Record<string, string | undefined> = {};
        const readErrors: CatalogIssue[] = [];
        for (const name of reader.files) {
          const file = path.join(appDir, name);
          const read = readLimited(file, DEFAULT_YAML_LIMITS.maxFileBytes);
          if ('text' in read) files[name] = read.text;
          else if (!read.error.includes('ENOENT')) readErrors.push({ file, field: '', message: read.error });
        }
        let outcome: AppOutcome;
        const key = JSON.stringify(files);
        const cached = cache.get(appId);
        if (readErrors.length > 0) outcome = { errors: readErrors, warnings: [], skipped: [] };
        else if (cached && cached.key === key) outcome = cached.outcome;
        else {
          outcome = convert(reader, store, appId, appDir, files);
          cache.set(appId, { key, outcome });
        }
        result.errors.push(...outcome.errors);
        result.warnings.push(...outcome.warnings);
        result.skipped.push(...outcome.skipped);
        if (outcome.app) {
          const id = outcome.app.definition.id;
          if (seen.has(id)) result.errors.push({ file: outcome.app.file, field: 'id', message: `two apps of the store become "${id}": this one is skipped` });
          else {
            seen.add(id);
            result.apps.push(outcome.app);
          }
        }
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
      return result;
    },
  };
}

/** One app: the reader, the converter, the schema. */
function convert(reader: StoreReader, store: StoreInfo, appId: string, dir: string, files: Readonly<Record<string, string | undefined>>): AppOutcome {
  const outcome: AppOutcome = { errors: [], warnings: [], skipped: [] };
  let read: ReturnType<StoreReader['read']>;
  try {
    read = reader.read({ store, appId, dir, files });
  } catch (err) {
    outcome.errors.push({ file: dir, field: '', message: `the ${store.format} reader failed: ${(err as Error).message}` });
    return outcome;
  }
  if ('error' in read) return { ...outcome, errors: [read.error] };
  if ('skipped' in read) return { ...outcome, skipped: [read.skipped] };
  const input = read.input;
  const imported = importComposeApp(input);
  outcome.warnings.push(...imported.refusals.map((r) => ({ file: input.file, field: r.field, message: `${store.name} app ${appId}: ${r.reason}` })));
  if (!imported.definition) {
    outcome.errors.push({ file: input.file, field: '', message: `${store.name} app ${appId} cannot be imported: ${imported.unavailable ?? 'nothing to run'}` });
    return outcome;
  }
  const parsed = parseAppDefinition(imported.definition, input.file);
  outcome.warnings.push(...parsed.warnings);
  if (!parsed.app) {
    // A definition Tomo's own rules reject: name the app, and the reason it was unavailable anyway.
    const why = imported.unavailable ? ` (it is unavailable anyway: ${imported.unavailable})` : '';
    outcome.errors.push(...parsed.errors.map((e) => ({ ...e, message: `${store.name} app ${appId}: ${e.message}${why}` })));
    return outcome;
  }
  outcome.app = {
    definition: parsed.app,
    file: input.file,
    imported: {
      store: { ...store },
      storeAppId: appId,
      ...(imported.unavailable ? { unavailable: imported.unavailable } : {}),
      refusals: imported.refusals.map(({ field, reason }) => ({ field, reason })),
    },
  };
  return outcome;
}
