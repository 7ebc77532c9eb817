/*
 * The canonical app definition: the one shape the installer, the console, the MCP tools and other
 * plugins deal with, after `normalizeDefinition` (definition-schema.ts) has checked and expanded
 * what an author wrote. Plain types and constant lists only, with no imports, so the apps contract
 * and the console can use them without pulling in the loaders.
 */

/** Placeholder for the per-app data root in host paths; the installer replaces it per installation. */
export const DATA_ROOT = '${DATA_ROOT}';

export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;
/** Docker restart policy of the container. */
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export const GENERATE_KINDS = ['password', 'hex', 'uuid'] as const;
/**
 * How the installer generates a value nobody types: `password` (24 random URL-safe characters),
 * `hex` (32 random bytes as 64 hex digits), `uuid` (random v4 UUID).
 */
export type GenerateKind = (typeof GENERATE_KINDS)[number];

export const PROTOCOLS = ['tcp', 'udp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const ARCHITECTURES = ['amd64', 'arm64', 'arm/v7', 'arm/v6', '386', 'ppc64le', 's390x', 'riscv64'] as const;
/** CPU architecture as Docker names it in `linux/<arch>` platforms. */
export type Architecture = (typeof ARCHITECTURES)[number];

/** Linux capabilities a definition may add (capabilities(7)), without the `CAP_` prefix. */
export const LINUX_CAPABILITIES = [
  'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'BPF', 'CHECKPOINT_RESTORE', 'CHOWN',
  'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE',
  'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST',
  'NET_RAW', 'PERFMON', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT',
  'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME',
  'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM',
] as const;

/** A port the container listens on, and where the host publishes it. */
export interface AppPort {
  /** The service that listens on it; only in apps that declare `services:` (see {@link AppService}). */
  service?: string;
  /** Port inside the container, 1–65535. */
  container: number;
  /** Port published on the host, 1–65535 (default: same as `container`). The install wizard may change it. With host networking it always equals `container`. */
  host: number;
  /** `tcp` (default) or `udp`. */
  protocol: Protocol;
  /** What the port is for ("Web interface", "DNS"), shown in the app details and install wizard. */
  description?: string;
  /** True when the app works without this port (e.g. DHCP for Pi-hole); the wizard may leave it unpublished. */
  optional: boolean;
}

/** A volume whose host side lives under the app's own data root: `${DATA_ROOT}/<subPath>`. */
export interface AppDataVolume {
  kind: 'data';
  /** The service that mounts it; only in apps that declare `services:`. */
  service?: string;
  /** Path under the per-app data root, POSIX, normalised, never escaping it (`..`); `''` is the data root itself. */
  subPath: string;
  /** Absolute path inside the container. */
  containerPath: string;
  /** Mounted read-only. */
  readOnly: boolean;
  /** What the volume holds, shown in the app details. */
  description?: string;
}

/** A volume bound to an absolute path of the host, outside the data root. Always listed in `hostAccess` (hostPaths or dockerSocket). */
export interface AppHostVolume {
  kind: 'host';
  /** The service that mounts it; only in apps that declare `services:`. */
  service?: string;
  /** Absolute, normalised host path (e.g. `/run/dbus`, `/var/run/docker.sock`). */
  hostPath: string;
  /** Absolute path inside the container. */
  containerPath: string;
  /** Mounted read-only. */
  readOnly: boolean;
  /** What the volume holds, shown in the app details. */
  description?: string;
  /** True when this is the Docker socket (`hostAccess.dockerSocket`). */
  dockerSocket: boolean;
}

export type AppVolume = AppDataVolume | AppHostVolume;

/** One choice of an environment variable with a fixed list of values. */
export interface AppEnvOption {
  value: string;
  /** Shown in the install wizard; defaults to the value. */
  label: string;
}

/** An environment variable the container gets. */
export interface AppEnvVar {
  /** Variable name, `[A-Za-z_][A-Za-z0-9_]*`, unique in the definition. */
  name: string;
  /** Short label for the install wizard (default: the name). */
  label: string;
  /** Help text for the install wizard. */
  description?: string;
  /** The user must give a value at install (no default, not generated). */
  required: boolean;
  /** Value used when the user gives none. Never set together with `generate` or `required`. */
  default?: string;
  /**
   * The value is a secret: stored encrypted like server credentials, never shown again nor returned
   * by the API/MCP after install. Always true for generated values.
   */
  secret: boolean;
  /** Generated at install time, once, when the user gives no value (then stored as a secret). */
  generate?: GenerateKind;
  /** Allowed values, when the variable is a choice; `default` (if any) is one of them. */
  options?: AppEnvOption[];
}

interface HealthcheckTiming {
  /** How long the installer waits for the app to become healthy after starting it, in seconds (default 120). */
  timeoutSeconds: number;
  /** Seconds between two probes (default 5). */
  intervalSeconds: number;
}

/** Healthy when an HTTP GET of `path` on the container port answers with one of `expectStatus`. */
export interface AppHttpHealthcheck extends HealthcheckTiming {
  type: 'http';
  /** Request path, starting with `/`. */
  path: string;
  /** Container port to probe (a declared tcp port; with host networking, the host port). */
  port: number;
  /** Accepted status codes; empty means any 2xx or 3xx. */
  expectStatus: number[];
}

/** Healthy when a TCP connection to the container port succeeds. */
export interface AppTcpHealthcheck extends HealthcheckTiming {
  type: 'tcp';
  /** Container port to connect to (a declared tcp port; with host networking, the host port). */
  port: number;
}

export type AppHealthcheck = AppHttpHealthcheck | AppTcpHealthcheck;

/** What the target server needs; the install wizard checks it against the server's facts. */
export interface AppRequirements {
  /** Minimum free memory in MiB the app needs to run comfortably. */
  memoryMiB?: number;
  /** CPU architectures the image is published for; absent = not stated (assume any). */
  architectures?: Architecture[];
}

/** A Linux capability added to the container. */
export interface AppCapability {
  /** Capability name without `CAP_` (e.g. `NET_ADMIN`). */
  name: string;
  /** The app works without it; the admin opts in at install (e.g. NET_ADMIN for Pi-hole's DHCP server). */
  optional: boolean;
  /** Why the app wants it, shown with the warning. */
  reason?: string;
}

/** A host path (outside the data root) the app may mount. */
export interface AppHostPath {
  /** Absolute, normalised host path; volumes may mount it or anything below it. */
  path: string;
  /** Why the app needs it, shown with the warning. */
  reason?: string;
  /**
   * False when the definition mounted this path without listing it in `hostAccess.hostPaths` and the
   * catalog was loaded in the default (lenient) mode: the normalize step added it, and a load warning
   * says so. The security consequences (warning shown, admin-only install) are the same either way.
   */
  declared: boolean;
}

/**
 * Everything that gives the container power over its host. Each item is shown as a warning before
 * install and, unless optional, makes the app admin-only (see {@link AppSecurity}).
 */
export interface AppHostAccess {
  /** `--privileged`: all devices, all capabilities, no seccomp/AppArmor confinement. */
  privileged: boolean;
  /** `--network host`: shares the host's network stack (listens on host ports directly, sees all interfaces). */
  hostNetwork: boolean;
  /** Mounts the Docker socket: full control of Docker, which is root on the host. */
  dockerSocket: boolean;
  /** Added Linux capabilities. */
  capabilities: AppCapability[];
  /** Host paths outside the data root that volumes mount. */
  hostPaths: AppHostPath[];
  /** Why the app needs host access at all, shown above the warnings. */
  reason?: string;
}

export type HostAccessKind = 'privileged' | 'host-network' | 'docker-socket' | 'capability' | 'host-path' | 'admin-only';

/** One thing an admin must accept before installing the app. */
export interface HostAccessWarning {
  kind: HostAccessKind;
  /** Plain-words warning, ready to show. */
  message: string;
  /** Only applies if the admin opts in to an optional item (an optional capability). */
  optional: boolean;
  /** The capability name or host path concerned, when there is one. */
  subject?: string;
}

/** Computed from `hostAccess` and `adminOnly`: what the console shows and what the installer enforces. */
export interface AppSecurity {
  /** Only an admin may install the app: it declares non-optional host access, or `adminOnly: true`. */
  requiresAdmin: boolean;
  /** Warnings to show before install, most severe first. Empty for a fully contained app. */
  warnings: HostAccessWarning[];
}

export const DEPENDS_CONDITIONS = ['service_started', 'service_healthy'] as const;
/** What a service waits for before it starts: the other service started, or reported healthy by its healthcheck. */
export type DependsCondition = (typeof DEPENDS_CONDITIONS)[number];

/** A named Docker volume the app declares (`namedVolumes:`); Compose creates it as `<project>_<name>`. */
export interface AppNamedVolume {
  /** `[a-z0-9][a-z0-9_-]*`, at most 63 characters, unique in the app. */
  name: string;
  /** What it holds, shown in the app details. */
  description?: string;
}

/** A mount of a declared named volume into a service. */
export interface AppNamedVolumeMount {
  kind: 'named';
  service: string;
  /** One of the app's `namedVolumes`. */
  volume: string;
  /** Absolute path inside the container. */
  containerPath: string;
  readOnly: boolean;
  description?: string;
}

/** Everything a service may mount: its data folder, a declared host path, or a declared named volume. */
export type AppServiceVolume = AppVolume | AppNamedVolumeMount;

/**
 * An environment variable of one service. `value` is a template: `{{NAME}}` stands for the value of
 * the app's setting NAME (one of `AppDefinition.env`), everything else is literal. Values reach the
 * container verbatim: no shell and no Compose interpolation ever sees them (`$` stays `$`).
 */
export interface AppServiceEnv {
  name: string;
  value: string;
}

/**
 * The service's own Docker healthcheck (Compose `healthcheck:`), which `dependsOn` with
 * `service_healthy` waits for. `test` is `['CMD', argv...]` (run directly) or `['CMD-SHELL', script]`
 * (run by the image's /bin/sh), exactly as Docker takes it.
 */
export interface AppServiceHealthcheck {
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

/** A service another one waits for. */
export interface AppServiceDependency {
  service: string;
  condition: DependsCondition;
}

/**
 * One container of an app. An app written in the single-container format is one service named
 * {@link SINGLE_SERVICE_NAME} (see `normaliseServices`); a multi-service app declares them in `services:`.
 */
export interface AppService {
  /** `[a-z0-9][a-z0-9_-]*`, at most 63 characters: the Compose service name (and its DNS name on the app's network). */
  name: string;
  /** Docker image reference, exactly as written. */
  image: string;
  /** Arguments replacing the image's CMD, as an argument vector (never a shell line). */
  command?: string[];
  /** Published ports; each also listed in `AppDefinition.ports` with `service` set. */
  ports: AppPort[];
  volumes: AppServiceVolume[];
  env: AppServiceEnv[];
  healthcheck?: AppServiceHealthcheck;
  dependsOn: AppServiceDependency[];
  restart: RestartPolicy;
  /** Declared in `hostAccess.privileged`. */
  privileged: boolean;
  /** Declared in `hostAccess.hostNetwork`: the service shares the host's network instead of the app's private one. */
  hostNetwork: boolean;
  /** Capabilities the service gets when the installation has them (each declared in `hostAccess.capabilities`; optional ones only when opted in). */
  capabilities: string[];
}

/** The service name a single-container definition becomes. */
export const SINGLE_SERVICE_NAME = 'app';

/**
 * An app of the catalog, in canonical form. Every optional input has been defaulted and every
 * shorthand expanded; the object is deeply frozen.
 */
export interface AppDefinition {
  /** Unique id, kebab-case (`nginx-proxy-manager`), at most 64 characters. */
  id: string;
  /** Display name. */
  name: string;
  /** One or more sentences about the app. */
  description: string;
  /** Category slug, kebab-case (`media`, `storage`, `network`, ...). */
  category: string;
  /** Extra search keywords, kebab-case, possibly empty. */
  tags: string[];
  /** Version of the app that `image` runs (informational, e.g. `10.11.11` or `2.x`). */
  version?: string;
  /** Icon URL (http/https). */
  icon?: string;
  /** Project website (http/https). */
  website?: string;
  /** Things to know before/after installing (first login, port conflicts...), plain text, may span lines. */
  notes?: string;
  /** Docker image reference, exactly as written (validated against the reference grammar). With `services`: the first service's image. */
  image: string;
  /** Published ports; with host networking, informational (the container uses host ports directly). With `services`: every service's, each naming its `service`. */
  ports: AppPort[];
  /** Volumes; data volumes live under the per-app data root, host volumes are declared in `hostAccess`. With `services`: every service's data and host volumes, each naming its `service`. */
  volumes: AppVolume[];
  /**
   * Environment variables; in an app with `services`, the settings (written `settings:`), which
   * services use in their own env as `{{NAME}}`. Either way, what the install wizard asks for.
   */
  env: AppEnvVar[];
  /** The services of a multi-service app, in the order written; absent for a single-container app (see `normaliseServices`). */
  services?: AppService[];
  /** Named volumes of a multi-service app; absent when it declares none. */
  namedVolumes?: AppNamedVolume[];
  /** How the installer decides the app is up; absent = container running is enough. */
  healthcheck?: AppHealthcheck;
  /** What the server needs. */
  requirements: AppRequirements;
  /** Docker restart policy (default `unless-stopped`). */
  restart: RestartPolicy;
  /** Declared access to the host. */
  hostAccess: AppHostAccess;
  /** Computed: who may install, and the warnings to show. */
  security: AppSecurity;
}
