import { z } from 'zod';
import { ARCHITECTURES, DEPENDS_CONDITIONS, GENERATE_KINDS, LINUX_CAPABILITIES, PROTOCOLS, RESTART_POLICIES } from './catalog/definition-schema';

/*
 * What the apps plugin's HTTP routes answer, as zod schemas: the `response` of each route, for the
 * OpenAPI document and the API reference (test kernels check every answer against them). They
 * describe the JSON a client receives (dates as ISO strings), with the shapes of `views.ts` and the
 * canonical `AppDefinition` of `catalog/definition-schema.ts`. Objects are strict: a field the
 * handler sends but the schema does not declare fails the tests instead of slipping out unnoticed.
 */

/** A date as JSON carries it (`toISOString()`); documented as `format: date-time` without the long pattern `z.iso.datetime()` prints. */
const isoDate = z.string().meta({ format: 'date-time' });
const protocol = z.enum(PROTOCOLS);
const sourceKind = z
  .enum(['import', 'builtin', 'plugin', 'folder'])
  .describe('Kind of catalog source, lowest precedence first: `import` (a Portainer template file), `builtin` (shipped with Tomo), `plugin` (contributed by a plugin), `folder` (an admin\'s extra folder). For the same app id the higher one wins.');

// ---------------------------------------------------------------------------------------------
// The catalog
// ---------------------------------------------------------------------------------------------

/** Where a catalog app comes from. */
export const catalogSourceSchema = z.strictObject({
  id: z.string().describe('Unique id of the source, e.g. `builtin`, `folder:/srv/tomo/apps`, `plugin:media-pack`'),
  label: z.string().describe('Name of the source shown to admins'),
  kind: sourceKind,
});

/** A community app store an app was imported from. */
export const catalogStoreSchema = z.strictObject({
  id: z.string().describe('Id of the store (`catalog.stores`), the prefix of its apps\' ids'),
  format: z.enum(['casaos', 'runtipi', 'umbrel']).describe('The store\'s format'),
  name: z.string().describe('Name of the store'),
  licence: z.string().optional().describe('The store\'s licence (an SPDX id when recognised)'),
  attribution: z.string().optional().describe('Who maintains the store\'s app definitions'),
});

/** One app of the catalog as the grid and list show it. */
export const catalogAppSummarySchema = z.strictObject({
  id: z.string().describe('App id, kebab-case (e.g. `uptime-kuma`)'),
  name: z.string(),
  description: z.string(),
  category: z.string().describe('Category slug, kebab-case (e.g. `media`, `network`)'),
  tags: z.array(z.string()).describe('Extra search keywords, kebab-case'),
  version: z.string().optional().describe('Version of the app the image runs (informational, e.g. `2.x`)'),
  icon: z.string().optional().describe('Icon URL (http/https)'),
  website: z.string().optional().describe('Project website (http/https)'),
  image: z.string().describe('Docker image reference, as written in the definition'),
  requiresAdmin: z.boolean().describe('Only an admin may install it: it declares power over its host (or is marked admin-only)'),
  warningCount: z.number().int().describe('Number of host-access warnings (0 for a fully contained app)'),
  source: catalogSourceSchema.describe('The catalog the definition comes from'),
  store: catalogStoreSchema.optional().describe('For an app imported from a community store: the store, its licence and attribution'),
  unavailable: z.string().optional().describe('Why the app cannot be installed (an imported app using what Tomo cannot honour); absent when it can'),
});

/** `GET /api/apps/catalog`. */
export const catalogListResponse = z.strictObject({
  apps: z.array(catalogAppSummarySchema).describe('The apps matching the search, by name'),
  categories: z
    .array(z.strictObject({ category: z.string(), count: z.number().int() }))
    .describe('Every category of the whole catalog (not only of the apps found), with its number of apps'),
  total: z.number().int().describe('Apps in the whole catalog'),
});

const appPortSchema = z.strictObject({
  service: z.string().optional().describe('The service it belongs to (apps with `services` only)'),
  container: z.number().int().describe('Port inside the container'),
  host: z.number().int().describe('Port published on the host by default (the install request may change it); with host networking it equals `container`'),
  protocol,
  description: z.string().optional().describe('What the port is for ("Web interface", "DNS")'),
  optional: z.boolean().describe('The app works without this port: an install may leave it unpublished'),
});

const appVolumeSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('data'),
    service: z.string().optional().describe('The service it belongs to (apps with `services` only)'),
      subPath: z.string().describe("Path under the app's own data folder on the server (`''` is the data folder itself)"),
      containerPath: z.string().describe('Absolute path inside the container'),
      readOnly: z.boolean(),
      description: z.string().optional(),
    })
    .describe("A volume under the app's own data folder on the server"),
  z
    .strictObject({
      kind: z.literal('host'),
    service: z.string().optional().describe('The service it belongs to (apps with `services` only)'),
      hostPath: z.string().describe('Absolute host path outside the data folder (always listed in `hostAccess`)'),
      containerPath: z.string().describe('Absolute path inside the container'),
      readOnly: z.boolean(),
      description: z.string().optional(),
      dockerSocket: z.boolean().describe('This is the Docker socket (`hostAccess.dockerSocket`)'),
    })
    .describe('A volume bound to a path of the host, outside the data folder'),
]);

const appServiceSchema = z.strictObject({
  name: z.string().describe('Compose service name, also its host name on the app network'),
  image: z.string().describe('Docker image reference, as written'),
  command: z.array(z.string()).optional().describe("Arguments replacing the image's CMD (an argument vector)"),
  ports: z.array(appPortSchema),
  volumes: z.array(
    z.union([
      appVolumeSchema,
      z.strictObject({
        kind: z.literal('named'),
        service: z.string(),
        volume: z.string().describe('One of the app\'s `namedVolumes`'),
        containerPath: z.string(),
        readOnly: z.boolean(),
        description: z.string().optional(),
      }),
    ]),
  ),
  env: z.array(z.strictObject({ name: z.string(), value: z.string().describe('Template: `{{NAME}}` is the value of the setting NAME') })),
  healthcheck: z
    .strictObject({
      test: z.array(z.string()).describe('`["CMD", argv...]` or `["CMD-SHELL", line]`'),
      intervalSeconds: z.number(),
      timeoutSeconds: z.number(),
      retries: z.number().int(),
      startPeriodSeconds: z.number(),
    })
    .optional()
    .describe("The service's Docker healthcheck"),
  dependsOn: z.array(z.strictObject({ service: z.string(), condition: z.enum(DEPENDS_CONDITIONS) })),
  restart: z.enum(RESTART_POLICIES),
  privileged: z.boolean(),
  hostNetwork: z.boolean(),
  capabilities: z.array(z.string()).describe('Capabilities the service gets when the installation has them'),
});

const appEnvVarSchema = z.strictObject({
  name: z.string().describe('Environment variable name; the key of this setting in install requests'),
  label: z.string().describe('Short label for the install form (default: the name)'),
  description: z.string().optional(),
  required: z.boolean().describe('A value must be given at install (no default, not generated)'),
  default: z.string().optional().describe("The definition's default, used when the install request gives none"),
  secret: z.boolean().describe('The value is stored encrypted and never shown again after install (always true for generated values)'),
  generate: z
    .enum(GENERATE_KINDS)
    .optional()
    .describe('Generated once at install when no value is given: `password` (24 URL-safe characters), `hex` (64 hex digits), `uuid`'),
  options: z
    .array(z.strictObject({ value: z.string(), label: z.string().describe('Shown in the install form; defaults to the value') }))
    .optional()
    .describe('Allowed values, when the setting is a choice'),
});

const healthcheckTiming = {
  timeoutSeconds: z.number().describe('How long the installer waits for the app to become healthy after starting it, in seconds'),
  intervalSeconds: z.number().describe('Seconds between two probes'),
};

const appHealthcheckSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('http'),
      path: z.string().describe('Request path, starting with `/`'),
      port: z.number().int().describe('Container port probed (with host networking, the host port)'),
      expectStatus: z.array(z.number().int()).describe('Accepted status codes; empty means any 2xx or 3xx'),
      ...healthcheckTiming,
    })
    .describe('Healthy when an HTTP GET of `path` answers with an accepted status'),
  z
    .strictObject({
      type: z.literal('tcp'),
      port: z.number().int().describe('Container port connected to (with host networking, the host port)'),
      ...healthcheckTiming,
    })
    .describe('Healthy when a TCP connection to the port succeeds'),
]);

const hostAccessWarningSchema = z.strictObject({
  kind: z.enum(['privileged', 'host-network', 'docker-socket', 'capability', 'host-path', 'admin-only']),
  message: z.string().describe('Plain-words warning, ready to show'),
  optional: z.boolean().describe('Only applies if the admin opts in to an optional item (an optional capability)'),
  subject: z.string().optional().describe('The capability name or host path concerned, when there is one'),
});

/** The canonical app definition (`AppDefinition`), every default filled in and every shorthand expanded. */
export const appDefinitionSchema = z.strictObject({
  id: z.string().describe('App id, kebab-case, at most 64 characters'),
  name: z.string(),
  description: z.string(),
  category: z.string().describe('Category slug, kebab-case'),
  tags: z.array(z.string()).describe('Extra search keywords, kebab-case'),
  version: z.string().optional().describe('Version of the app the image runs (informational)'),
  icon: z.string().optional().describe('Icon URL (http/https)'),
  website: z.string().optional().describe('Project website (http/https)'),
  notes: z.string().optional().describe('Things to know before or after installing (first login, port conflicts...), plain text, may span lines'),
  image: z.string().describe('Docker image reference, as written'),
  ports: z.array(appPortSchema).describe('Published ports; with host networking, informational (the app listens on host ports directly)'),
  volumes: z.array(appVolumeSchema),
  env: z.array(appEnvVarSchema).describe('Environment variables: the settings of an install request (with `services`: the settings the services use as `{{NAME}}`)'),
  services: z.array(appServiceSchema).optional().describe('The containers of a multi-service app; absent for a single-container app'),
  namedVolumes: z.array(z.strictObject({ name: z.string(), description: z.string().optional() })).optional().describe('Named Docker volumes of a multi-service app'),
  healthcheck: appHealthcheckSchema.optional().describe('How the installer decides the app is up; absent: a running container is enough'),
  requirements: z
    .strictObject({
      memoryMiB: z.number().optional().describe('Free memory in MiB the app needs to run comfortably'),
      architectures: z.array(z.enum(ARCHITECTURES)).optional().describe('CPU architectures the image is published for; absent: not stated'),
    })
    .describe('What the server needs; checked against its facts before install'),
  restart: z.enum(RESTART_POLICIES).describe('Docker restart policy of the container'),
  hostAccess: z
    .strictObject({
      privileged: z.boolean().describe('Runs `--privileged`: all devices and capabilities, no confinement'),
      hostNetwork: z.boolean().describe("Uses the host's network stack (`--network host`)"),
      dockerSocket: z.boolean().describe('Mounts the Docker socket (equivalent to root on the host)'),
      capabilities: z
        .array(
          z.strictObject({
            name: z.enum(LINUX_CAPABILITIES).describe('Linux capability, without `CAP_`'),
            optional: z.boolean().describe('The app works without it; an admin opts in at install (`capabilities` of the install request)'),
            reason: z.string().optional(),
          }),
        )
        .describe('Linux capabilities added to the container'),
      hostPaths: z
        .array(
          z.strictObject({
            path: z.string().describe('Absolute host path; volumes may mount it or anything below it'),
            reason: z.string().optional(),
            declared: z.boolean().describe('False when the definition mounted the path without declaring it (the catalog added it, with a load warning)'),
          }),
        )
        .describe("Host paths outside the app's data folder that volumes mount"),
      reason: z.string().optional().describe('Why the app needs host access at all'),
    })
    .describe('Everything that gives the container power over its host'),
  security: z
    .strictObject({
      requiresAdmin: z.boolean().describe('Only an admin may install the app (non-optional host access, or marked admin-only)'),
      warnings: z.array(hostAccessWarningSchema).describe('Warnings to accept before install, most severe first; empty for a fully contained app'),
    })
    .describe('Computed from `hostAccess`: who may install, and the warnings to show'),
});

/** `GET /api/apps/catalog/:appId`. */
export const catalogAppResponse = z.strictObject({
  app: appDefinitionSchema,
  source: catalogSourceSchema.describe('The catalog the definition comes from'),
  imported: z
    .strictObject({
      store: catalogStoreSchema,
      storeAppId: z.string().describe('The app\'s id in its store'),
      unavailable: z.string().optional().describe('Why the app cannot be installed; absent when it can'),
      refusals: z.array(z.strictObject({ field: z.string().describe('Field of the store\'s app (e.g. `services.web.devices`)'), reason: z.string() })).describe('Every field Tomo did not honour, with the reason'),
    })
    .optional()
    .describe('For an app imported from a community store (CasaOS, Runtipi, Umbrel): the store and what Tomo did not honour'),
});

const catalogIssueSchema = z.strictObject({
  file: z.string().describe('The file (or catalog source) the problem is in'),
  field: z.string().describe("Dotted path of the field at fault (e.g. `ports.0.host`); `''` when the problem is the whole file"),
  message: z.string(),
  line: z.number().int().optional().describe('1-based line of the field in the file, when known (YAML files)'),
});

const catalogRefSchema = z.strictObject({
  source: z.string().describe('Id of the catalog source'),
  file: z.string(),
});

/** `GET /api/apps/catalogs`, `POST /api/apps/catalogs/reload`. */
export const catalogStatusResponse = z.strictObject({
  catalogs: z
    .array(
      z.strictObject({
        ...catalogSourceSchema.shape,
        precedence: z.number().int().describe('Rank of the kind: 0 import, 1 builtin, 2 plugin, 3 folder; higher wins'),
        appIds: z.array(z.string()).describe('Ids of the valid apps the source defines (some may be shadowed by a higher source)'),
        errors: z.array(catalogIssueSchema).describe('Problems that kept a definition (or a whole file) out of the catalog'),
        warnings: z.array(catalogIssueSchema).describe('Problems worth fixing that kept nothing out'),
        skipped: z.array(catalogIssueSchema).describe('Entries deliberately left out, with the reason (e.g. Portainer stack templates)'),
      }),
    )
    .describe('The catalog sources, lowest precedence first'),
  overrides: z
    .array(z.strictObject({ id: z.string().describe('App id'), winner: catalogRefSchema.describe('The definition in the catalog'), shadowed: catalogRefSchema.describe('The definition it replaces') }))
    .describe('App ids defined by two sources'),
  loadedAt: isoDate.describe('When the catalog was last loaded'),
  durationMs: z.number().describe('How long the load took, in milliseconds'),
});

// ---------------------------------------------------------------------------------------------
// Install targets and checks
// ---------------------------------------------------------------------------------------------

/** `GET /api/apps/targets`. */
export const installTargetsResponse = z.strictObject({
  servers: z.array(
    z.strictObject({
      id: z.uuid(),
      name: z.string(),
      host: z.string(),
      prepared: z.boolean().describe('Preparation completed: Docker is installed and verified'),
      detail: z.string().nullable().describe('Why it cannot take apps yet ("Not prepared yet: prepare it first"), or null'),
    }),
  ),
});

/** `POST /api/servers/:serverId/apps/preflight`. */
export const preflightResponse = z.strictObject({
  ok: z.boolean().describe('The install would be accepted'),
  errors: z
    .array(z.strictObject({ field: z.string(), message: z.string() }))
    .describe('Problems, `field` as in the request (`ports.80/tcp`, `settings.DB_PASSWORD`, `appId`, `serverId`)'),
  warnings: z.array(z.string()).describe('Host-access warnings to accept, and server-fit warnings (e.g. less memory than the app wants)'),
});

// ---------------------------------------------------------------------------------------------
// Installations
// ---------------------------------------------------------------------------------------------

const serviceImage = z.strictObject({
  service: z.string(),
  image: z.string().describe('The image reference as the definition names it'),
  digest: z.string().nullable().describe('The registry content digest it runs (`sha256:…`), or null when not pulled from a registry'),
});

/** `InstallationView.updates`: update check, last outcome, snapshots. */
const updatesSchema = z
  .strictObject({
    installedVersion: z.string().nullable(),
    images: z.array(serviceImage).describe('What each service runs now'),
    check: z
      .strictObject({
        checkedAt: isoDate,
        available: z.boolean(),
        reasons: z.array(z.string()).describe('Why an update is available, in words'),
        catalogVersion: z.string().nullable(),
        error: z.string().nullable().describe('Why the check could not complete (registry unreachable), or null'),
      })
      .nullable()
      .describe('The last update check, or null when none ran since the last update'),
    last: z
      .strictObject({
        at: isoDate,
        result: z.enum(['updated', 'rolled_back', 'rollback_failed', 'restored', 'failed']),
        message: z.string(),
      })
      .nullable()
      .describe('What the last update or rollback did'),
    snapshots: z
      .array(
        z.strictObject({
          id: z.string(),
          createdAt: isoDate,
          file: z.string().describe('The archive on the server'),
          sizeBytes: z.number().int().nullable(),
          appVersion: z.string().nullable(),
          images: z.array(serviceImage),
        }),
      )
      .describe('Data snapshots taken before updates, oldest first (the last 3 are kept)'),
    operation: z.enum(['update', 'rollback']).nullable().describe('The update or rollback running now (steps in `progress`), or null'),
  })
  .describe('Updates: what runs, the last check, the last outcome, the snapshots');

/** An installed app (`InstallationView`): never a secret value. */
export const installationSchema = z.strictObject({
  id: z.uuid(),
  serverId: z.uuid(),
  appId: z.string(),
  appName: z.string(),
  containerName: z.string().describe('Container name on the server, e.g. `tomo-uptime-kuma-3f2a1c`'),
  image: z.string(),
  state: z
    .enum(['installing', 'failed', 'running', 'stopped', 'crashed', 'missing', 'removing', 'unknown'])
    .describe(
      'What Tomo last did, checked against Docker: `installing` (see `progress`), `failed` (see `error`), `running`, `stopped`, `crashed` (exited, restarting or failing its health check when it should run; see `stateDetail`), `missing` (container removed outside Tomo), `removing`, `unknown` (Docker could not be asked; see `stateDetail`)',
    ),
  stateDetail: z.string().nullable().describe('Plain words about the state ("Docker on the server could not be asked: ..."), or null'),
  ports: z
    .array(z.strictObject({ container: z.number().int(), host: z.number().int(), protocol, description: z.string().optional() }))
    .describe('Published ports (an optional port left unpublished is absent)'),
  settings: z
    .record(z.string(), z.string().nullable())
    .describe('Settings used, by environment variable name; secret ones are null (listed in `secretSettings`)'),
  secretSettings: z.array(z.string()).describe('Names of the settings whose values are secret: stored encrypted, never shown again'),
  dataDir: z.string().describe("Folder on the server holding the app's data volumes"),
  deployment: z.enum(['compose', 'engine']).describe('`compose`: a Compose project on the server; `engine`: one container made through the Docker Engine API (installations of earlier releases, single-container apps on servers without Compose v2)'),
  projectName: z.string().nullable().describe('The Compose project name on the server, or null for an `engine` installation'),
  services: z
    .array(
      z.strictObject({
        name: z.string().describe('Service name (the app id for an `engine` installation)'),
        state: z.enum(['installing', 'failed', 'running', 'stopped', 'crashed', 'missing', 'removing', 'unknown']),
        health: z.enum(['healthy', 'unhealthy', 'starting']).nullable().describe("Docker's health-check verdict, or null when the service has none"),
        detail: z.string().nullable(),
      }),
    )
    .describe("Each service's state; the app's `state` is its worst service's (empty while installing, after a failure, or when Docker could not be asked)"),
  progress: z
    .array(
      z.strictObject({
        id: z.enum(['check', 'pull', 'create', 'start', 'health', 'snapshot', 'recreate', 'rollback', 'restore', 'remove', 'data']),
        title: z.string(),
        state: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
        detail: z.string().nullable().describe('Last progress line (e.g. "Downloading 12.3 MB / 40.1 MB"), or null'),
      }),
    )
    .describe('The steps of the install, or of the last update or rollback (or of the uninstall running now), in order'),
  updates: updatesSchema,
  error: z.string().nullable().describe('Why the install failed, or null'),
  url: z.string().nullable().describe("Address of the app's web interface (`http://<server host>:<port>/`), or null when it has none"),
  createdAt: isoDate.describe('When the install was asked for'),
  updatedAt: isoDate.describe('Last change of the record (state, progress)'),
});

/** `GET /api/apps/installations`, `GET /api/servers/:serverId/apps`. */
export const installationListResponse = z.strictObject({ installations: z.array(installationSchema).describe('Oldest first') });

/** `POST /api/servers/:serverId/apps`, `GET /api/apps/installations/:id`, start, stop. */
export const installationResponse = z.strictObject({ installation: installationSchema });

/** `DELETE /api/apps/installations/:id`. */
export const uninstallResponse = z.strictObject({
  removed: z.literal(true).describe('The container is removed and the installation forgotten'),
  dataDeleted: z.boolean().describe("The app's data folder on the server was deleted (only when `deleteData=true` was asked)"),
  dataError: z.string().optional().describe('Why the asked-for data deletion did not complete'),
});
