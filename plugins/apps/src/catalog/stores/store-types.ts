/*
 * The plain types shared by the Compose-store importers (CasaOS, Runtipi, Umbrel): what a store
 * reader gives the converter (compose-import.ts) and what the converter gives back. Types only.
 */
import type { EnvInput } from '../input-parts';

export const STORE_FORMATS = ['casaos', 'runtipi', 'umbrel'] as const;
export type StoreFormat = (typeof STORE_FORMATS)[number];

/** The store an app was imported from; travels with every imported app (API and console show it). */
export interface StoreInfo {
  /** Unique among the configured stores (default: the format), kebab-case; prefixes the ids of its apps. */
  id: string;
  format: StoreFormat;
  /** Display name, e.g. "CasaOS app store". */
  name: string;
  /** The store's licence, as it states it (e.g. "Apache-2.0"). */
  licence?: string;
  /** Who maintains the store's app definitions, as it states it. */
  attribution?: string;
}

/** A setting the store declares (a form field, an env declaration), already read: Tomo's settings entry. */
export type ImportedSetting = EnvInput;

/** What a store-specific variable (`$AppID`, `${APP_DATA_DIR}`, `$APP_SEED`...) becomes in Tomo. */
export type VariableMapping =
  /** The value of a setting (in env values: `{{key}}`; elsewhere its default, reported). */
  | { kind: 'setting'; key: string }
  /** The app's own data folder (host paths only). */
  | { kind: 'appDataDir' }
  /** A fixed value. */
  | { kind: 'literal'; value: string }
  /** Tomo has no equivalent: the app is listed as unavailable with this reason. */
  | { kind: 'unmappable'; reason: string };

/** A service of the Compose file left out on purpose (e.g. Umbrel's `app_proxy`), and why. */
export interface IgnoredService {
  service: string;
  reason: string;
}

export interface ComposeAppMeta {
  name: string;
  version?: string;
  description?: string;
  tagline?: string;
  icon?: string;
  website?: string;
  /** The store's own category names; mapped onto Tomo's (store-categories.ts). */
  categories: string[];
  /** Things to know (who packaged it, tips before installing), plain text. */
  notes?: string;
  /** CPU architectures the store says the app runs on (Docker's names: amd64, arm64...). */
  architectures?: string[];
}

/** Everything the converter needs about one app of a store. */
export interface ComposeAppInput {
  store: StoreInfo;
  /** The app's id in its store (its folder name): becomes `<store id>-<slug>` in Tomo. */
  appId: string;
  /** The Compose file, for messages. */
  file: string;
  /** The parsed docker-compose.yml (store-specific `x-...` keys are the reader's, ignored here). */
  compose: unknown;
  meta: ComposeAppMeta;
  settings: ImportedSetting[];
  /** Store-specific variables; any other `$VAR` without a `:-default` makes the app unavailable. */
  variables: Record<string, VariableMapping>;
  /** Host folders (after substitution) that are the app's own data folder, e.g. CasaOS `/DATA/AppData/<app>`. */
  appDataPaths?: string[];
  ignoreServices?: Array<string | IgnoredService>;
  /**
   * What the store says ports and mounts are for, shown with them: keys `<service> <container port>`
   * (e.g. `web 8080`) and `<service> <container path>` (e.g. `web /config`).
   */
  descriptions?: Readonly<Record<string, string>>;
  /** Where the store writes each metadata field, for refusals (default: the meta key, e.g. `icon`). */
  metaFields?: Partial<Record<keyof ComposeAppMeta, string>>;
  /** What the store reader itself could not honour in the store's own files (form fields, metadata), listed first. */
  refusals?: Refusal[];
  /** Why the app cannot be installed, when the reader already knows (e.g. it depends on other apps of its store). */
  unavailable?: string;
}

/** One thing of the store's app Tomo does not honour: which field, and why. */
export interface Refusal {
  appId: string;
  /** Dotted field of the Compose file (or the store's metadata), e.g. `services.web.devices`. */
  field: string;
  reason: string;
}

export interface ImportedApp {
  /** Tomo's multi-service definition input (as a catalog YAML file gives it); absent when nothing could be built. */
  definition?: Record<string, unknown>;
  /** Every field not honoured; some make the app unavailable, the others were left out. */
  refusals: Refusal[];
  /** Why the app cannot be installed, when it cannot (it is still listed). */
  unavailable?: string;
}
