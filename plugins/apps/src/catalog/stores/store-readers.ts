import type { CatalogSource, CatalogSourceKind } from '../catalog-types';
import { casaosReader } from './casaos';
import { composeStoreSource, type StoreReader } from './store-source';
import { storeLicence } from './store-licence';
import type { StoreFormat } from './store-types';
import { runtipiReader } from './runtipi';
import { umbrelReader } from './umbrel';

/*
 * The store formats Tomo reads, and the catalog source of one configured store. Each format's
 * reader lives in its own file (casaos.ts, runtipi.ts, umbrel.ts) and is listed here.
 */

export const STORE_READERS: Partial<Record<StoreFormat, StoreReader>> = {
  casaos: casaosReader,
  runtipi: runtipiReader,
  umbrel: umbrelReader,
};

/** How a store is called when the admin gives it no name. */
export const STORE_NAMES: Readonly<Record<StoreFormat, string>> = { casaos: 'CasaOS app store', runtipi: 'Runtipi app store', umbrel: 'Umbrel app store' };

export interface StoreOptions {
  format: StoreFormat;
  dir: string;
  /** Default: the format. */
  id?: string;
  name?: string;
  licence?: string;
  attribution?: string;
  label?: string;
  kind?: CatalogSourceKind;
}

/** The catalog source of a store; throws when Tomo has no reader for its format. */
export function storeSource(options: StoreOptions): CatalogSource {
  const reader = STORE_READERS[options.format];
  if (!reader) throw new Error(`the ${options.format} store format is not supported (supported: ${Object.keys(STORE_READERS).join(', ') || 'none'})`);
  const name = options.name ?? reader.storeName?.(options.dir) ?? STORE_NAMES[options.format];
  const licence = options.licence ?? storeLicence(options.dir);
  return composeStoreSource({
    store: {
      id: options.id ?? options.format,
      format: options.format,
      name,
      ...(licence ? { licence } : {}),
      attribution: options.attribution ?? `App definitions by the ${name}'s contributors`,
    },
    dir: options.dir,
    reader,
    ...(options.label ? { label: options.label } : {}),
    ...(options.kind ? { kind: options.kind } : {}),
  });
}
