/**
 * The shapes the apps plugin shows to the outside (HTTP, MCP, the console), with no imports: the
 * console's panels type-check against this file directly, so their types cannot drift from the
 * backend's. The catalog's own canonical types live in `catalog/definition-schema.ts`; what goes
 * out over HTTP is the `AppDefinition` from there, re-declared structurally here as `CatalogApp`
 * only where the console needs fewer fields.
 */

/** One app of the catalog as the grid and list show it (the detail view gets the full definition). */
export interface CatalogAppSummary {
  id: string;
  name: string;
  description: string;
  category: string;
  tags: string[];
  version?: string;
  icon?: string;
  website?: string;
  image: string;
  /** Only an admin may install it (it declares power over its host). */
  requiresAdmin: boolean;
  /** Number of host-access warnings (0 for a fully contained app). */
  warningCount: number;
  /** The catalog the definition comes from. */
  source: { id: string; label: string; kind: 'import' | 'builtin' | 'plugin' | 'folder' };
  /** For an app imported from a community store: the store, with its licence and attribution. */
  store?: CatalogStoreView;
  /** Why the app cannot be installed (an imported app Tomo cannot honour); absent when it can. */
  unavailable?: string;
}

/** A community app store (CasaOS, Runtipi, Umbrel) an app was imported from. */
export interface CatalogStoreView {
  id: string;
  format: 'casaos' | 'runtipi' | 'umbrel';
  name: string;
  licence?: string;
  attribution?: string;
}

/** What Tomo made of an app imported from a community store. */
export interface CatalogImportedView {
  store: CatalogStoreView;
  /** The app's id in its store. */
  storeAppId: string;
  unavailable?: string;
  /** Every field of the store's app Tomo did not honour, with the reason. */
  refusals: Array<{ field: string; reason: string }>;
}

/** `GET /api/apps/catalog`. */
export interface CatalogListView {
  apps: CatalogAppSummary[];
  /** Every category of the whole catalog (not only the filtered apps), with counts. */
  categories: Array<{ category: string; count: number }>;
  /** Apps in the whole catalog. */
  total: number;
}

/** A problem with one definition file: the path, the field at fault and the rule. */
export interface CatalogIssueView {
  file: string;
  field: string;
  message: string;
  /** 1-based line of the field in the file, when known (YAML files). */
  line?: number;
}

/** `GET /api/apps/catalogs`: each source with its apps and problems (admins see file paths). */
export interface CatalogStatusView {
  catalogs: Array<{
    id: string;
    label: string;
    kind: 'import' | 'builtin' | 'plugin' | 'folder';
    precedence: number;
    appIds: string[];
    errors: CatalogIssueView[];
    warnings: CatalogIssueView[];
    skipped: CatalogIssueView[];
  }>;
  overrides: Array<{ id: string; winner: { source: string; file: string }; shadowed: { source: string; file: string } }>;
  loadedAt: string;
  durationMs: number;
}

/** The states an installation can be in, reconciled with the Docker engine when listed. */
export type InstallationState =
  /** The installer is working on it (see `progress`). */
  | 'installing'
  /** The install failed; what it created was removed (volumes kept); `error` says why. */
  | 'failed'
  /** The container runs. */
  | 'running'
  /** Stopped through Tomo. */
  | 'stopped'
  /** The container exited or is restarting when it should run (crashed, killed behind Tomo's back); `stateDetail` says how. Monitoring uses the same word. */
  | 'crashed'
  /** The container is gone from the engine (removed behind Tomo's back). */
  | 'missing'
  /** Being removed. */
  | 'removing'
  /** The engine could not be asked (server offline, Docker stopped); `stateDetail` says why. */
  | 'unknown';

/** Install steps; an update adds `snapshot`, `recreate` and `rollback`, a rollback by hand `restore`. */
export type InstallStepId = 'check' | 'pull' | 'create' | 'start' | 'health' | 'snapshot' | 'recreate' | 'rollback' | 'restore' | 'remove' | 'data';
export type InstallStepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

/** One step of an install as the wizard's progress view shows it. */
export interface InstallStepView {
  id: InstallStepId;
  title: string;
  state: InstallStepState;
  /** Last progress line (e.g. "Downloading 12.3 MB / 40.1 MB", "image already present"). */
  detail: string | null;
}

/** A published port of an installation. */
export interface InstalledPortView {
  container: number;
  host: number;
  protocol: 'tcp' | 'udp';
  description?: string;
}

/** Docker's health-check verdict for a container that has one. */
export type ServiceHealth = 'healthy' | 'unhealthy' | 'starting' | null;

/** One service (container) of an installation as the engine reports it. */
export interface InstalledServiceView {
  /** The Compose service name (for an app installed as one container by an earlier release: the app id). */
  name: string;
  state: InstallationState;
  health: ServiceHealth;
  /** Plain words about the state, or null. */
  detail: string | null;
}

/** How an installation is deployed: a Compose project (this release), or one container made through the Engine API (earlier releases, and servers without Compose v2). */
export type DeploymentKind = 'compose' | 'engine';

/** The image one service of an installation runs, and its content digest when known (`sha256:…`). */
export interface ServiceImageView {
  service: string;
  image: string;
  digest: string | null;
}

/** A data snapshot taken on the server before an update (an archive of the data folder). */
export interface SnapshotView {
  id: string;
  createdAt: string;
  /** The archive on the server. */
  file: string;
  sizeBytes: number | null;
  /** The app version and images the data belonged to (a rollback goes back to these digests). */
  appVersion: string | null;
  images: ServiceImageView[];
}

/** The last update check: what the catalog and the registry said. */
export interface UpdateCheckView {
  checkedAt: string;
  available: boolean;
  /** Why an update is available, in words ("the catalog has version 2 (installed: 1)"). */
  reasons: string[];
  /** The catalog's version of the app now, or null when it has none or the app left the catalog. */
  catalogVersion: string | null;
  /** Why the check could not complete, or null. */
  error: string | null;
}

/** What the last update or rollback did. */
export interface UpdateOutcomeView {
  at: string;
  result: 'updated' | 'rolled_back' | 'rollback_failed' | 'restored' | 'failed';
  message: string;
}

/** Everything about updates of one installation. */
export interface InstallationUpdatesView {
  installedVersion: string | null;
  images: ServiceImageView[];
  check: UpdateCheckView | null;
  last: UpdateOutcomeView | null;
  /** Oldest first, at most three. */
  snapshots: SnapshotView[];
  /** The update or rollback running now (its steps are in `progress`), or null. */
  operation: 'update' | 'rollback' | null;
}

/** An app installed on a server (never carries a secret value). */
export interface InstallationView {
  id: string;
  serverId: string;
  appId: string;
  appName: string;
  /** Container name on the server, e.g. `tomo-uptime-kuma-3f2a1c`. */
  containerName: string;
  image: string;
  state: InstallationState;
  /** Plain words about the state ("exited with code 137 at …", "Docker is not answering: …"), or null. */
  stateDetail: string | null;
  ports: InstalledPortView[];
  /** Settings used, by env name; secret ones are listed in `secretSettings` and are null here. */
  settings: Record<string, string | null>;
  /** Names of the settings whose values are secret (stored encrypted, never shown again). */
  secretSettings: string[];
  /** Host folder holding the app's data volumes. */
  dataDir: string;
  deployment: DeploymentKind;
  /** The Compose project name on the server, or null for an `engine` installation. */
  projectName: string | null;
  /** Each service's state (empty while installing, after a failure, or when the engine was not asked). */
  services: InstalledServiceView[];
  progress: InstallStepView[];
  updates: InstallationUpdatesView;
  /** Why the install failed, or null. */
  error: string | null;
  /** Address of the app's web interface when it has an HTTP port (`http://<server host>:<port>/`). */
  url: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * An installation as Tomo recorded it, without asking Docker (for the monitoring poller, which
 * must not open a channel per app). `state` is what Tomo last did; `busy` is true while an
 * install, start, stop or removal runs.
 */
export interface RecordedInstallation {
  id: string;
  serverId: string;
  ownerId: string;
  appId: string;
  appName: string;
  containerName: string;
  containerId: string | null;
  state: 'installing' | 'failed' | 'running' | 'stopped' | 'removing';
  busy: boolean;
}

/** `POST /api/servers/:serverId/apps` (and `install_app`, and the `preflight` check). */
export interface InstallRequest {
  appId: string;
  /** Host port per container port, keyed `"<container>/<protocol>"` (e.g. `"80/tcp"`); absent ones use the definition's host port. `null` leaves an optional port unpublished. */
  ports?: Record<string, number | null>;
  /** Values by env name; generated secrets are filled in when absent. */
  settings?: Record<string, string>;
  /** Optional capabilities the admin opts in to (e.g. `NET_ADMIN`). */
  capabilities?: string[];
}

/** `POST /api/servers/:serverId/apps/preflight`: would this install be accepted? Nothing is created. */
export interface PreflightView {
  ok: boolean;
  /** Field errors, `field` as in the request (`ports.80/tcp`, `settings.DB_PASSWORD`, `appId`, `serverId`). */
  errors: Array<{ field: string; message: string }>;
  /** Host-access warnings the user must accept. */
  warnings: string[];
}

/** `GET /api/apps/targets`: the caller's servers and whether apps can be installed there. */
export interface InstallTargetView {
  id: string;
  name: string;
  host: string;
  /** Preparation completed: Docker is installed and verified. */
  prepared: boolean;
  /** Why it cannot take apps yet ("not prepared yet", "preparation failed at install-docker"), or null. */
  detail: string | null;
}
