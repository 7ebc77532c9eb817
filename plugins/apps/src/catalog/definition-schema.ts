import { z } from 'zod';
import { problemsFromZod, toIssues, type CatalogIssue, type FieldProblem } from './issues';
import { RESTART_POLICIES, LINUX_CAPABILITIES } from './definition-types';
import {
  KEBAB, strictObject, line, paragraph, slug, url, imageReference, portInputSchema, volumeInputSchema, envInputSchema,
  hostAccessInput, healthcheckInput, requirementsInput, textVersion, type EnvInput,
} from './input-parts';
import { DOCKER_SOCKET_PATHS, FORBIDDEN_HOST_PATHS, PATH_CHARS, isUnder, mountChecker, normalizePosix, portChecker } from './normalize-parts';
import { normalizeServices } from './normalize-services';
import { namedVolumesInputSchema, servicesInputSchema, settingsInputSchema } from './service-input';
import type { AppPort, AppHostVolume, AppVolume, AppEnvVar, AppHealthcheck, AppRequirements, AppCapability, AppHostPath, AppHostAccess, HostAccessWarning, AppSecurity, AppDefinition } from './definition-types';

/*
 * App definitions: the YAML format (docs/catalog-format.md) as zod schemas, and the normalize step
 * that turns what an author wrote (with its shorthands) into one canonical AppDefinition, the only
 * shape the rest of Tomo (installer, console, MCP tools) deals with.
 *
 * Two stages, both reporting every problem as { file, field, message } and never throwing:
 *   1. `appDefinitionInputSchema`: the shape of each field (strict objects: unknown keys are errors).
 *   2. `normalizeDefinition`: rules across fields (host paths vs hostAccess, duplicate ports,
 *      healthcheck port, env rules), defaults, and the computed security summary.
 */

// The canonical definition (what the rest of Tomo deals with) is declared in definition-types.ts, import-free.
export * from './definition-types';
export { FORBIDDEN_HOST_PATHS, DOCKER_SOCKET_PATHS } from './normalize-parts';
export { ENV_NAME, portInputSchema, volumeInputSchema, envInputSchema, type PortInput, type VolumeInput, type EnvInput } from './input-parts';

// ---------------------------------------------------------------------------------------------
// Input (YAML) schemas
// ---------------------------------------------------------------------------------------------

/** The top level of a definition file. Unknown keys anywhere are errors. */
export const appDefinitionInputSchema = strictObject({
  id: z.string('is required and must be text').max(64, 'must be at most 64 characters').regex(KEBAB, 'must be kebab-case: lowercase letters and digits separated by single "-" (e.g. "nginx-proxy-manager")'),
  name: line(100),
  description: paragraph(2000),
  category: slug('a category'),
  tags: z.array(slug('a tag'), 'must be a list').max(16, 'must list at most 16 tags').optional(),
  version: textVersion.optional(),
  icon: url.optional(),
  website: url.optional(),
  notes: paragraph(4000).optional(),
  image: imageReference.optional(),
  ports: z.array(portInputSchema, 'must be a list').max(64, 'must list at most 64 ports').optional(),
  volumes: z.array(volumeInputSchema, 'must be a list').max(64, 'must list at most 64 volumes').optional(),
  env: z.array(envInputSchema, 'must be a list').max(200, 'must list at most 200 variables').optional(),
  healthcheck: healthcheckInput.optional(),
  requirements: requirementsInput.optional(),
  restart: z.enum(RESTART_POLICIES, `must be one of: ${RESTART_POLICIES.join(', ')}`).optional(),
  hostAccess: hostAccessInput.optional(),
  adminOnly: z.boolean('must be true or false').optional(),
  // A multi-service app (service-input.ts) has these instead of image/ports/volumes/env.
  services: servicesInputSchema.optional(),
  settings: settingsInputSchema.optional(),
  namedVolumes: namedVolumesInputSchema.optional(),
});

export type AppDefinitionInput = z.output<typeof appDefinitionInputSchema>;

// ---------------------------------------------------------------------------------------------
// Normalize
// ---------------------------------------------------------------------------------------------

export interface NormalizeOptions {
  /**
   * When true, every absolute host path (outside the data root) must be listed in
   * `hostAccess.hostPaths`. When false (default), an ordinary absolute path that is not listed is
   * accepted as an implicit declaration (`declared: false`) with a load warning: the spec's own
   * example (`/var/nextcloud/data:/var/www/html`) must load unchanged. Either way such an app is
   * admin-only and shows the warning; paths under system directories and the Docker socket must
   * always be declared, and `/`, `/etc`, ... are never allowed.
   */
  strictHostPaths?: boolean;
}

/** Result of checking one definition: the app (when valid), its errors and its warnings. */
export interface DefinitionResult {
  app?: AppDefinition;
  errors: CatalogIssue[];
  warnings: CatalogIssue[];
}

/** Checks one definition already parsed from YAML/JSON (any value): shape, then cross-field rules. */
export function parseAppDefinition(raw: unknown, file: string, options: NormalizeOptions = {}): DefinitionResult {
  const parsed = appDefinitionInputSchema.safeParse(raw);
  if (!parsed.success) return { errors: toIssues(file, problemsFromZod(parsed.error)), warnings: [] };
  const r = normalizeDefinition(parsed.data, options);
  return {
    ...(r.app ? { app: r.app } : {}),
    errors: toIssues(file, r.errors),
    warnings: toIssues(file, r.warnings),
  };
}

/** Cross-field rules, defaults and the security summary, from a definition whose fields are well-formed. */
export function normalizeDefinition(input: AppDefinitionInput, options: NormalizeOptions = {}): { app?: AppDefinition; errors: FieldProblem[]; warnings: FieldProblem[] } {
  const errors: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const err = (p: ReadonlyArray<PropertyKey>, message: string) => errors.push({ path: p, message });
  const access = input.hostAccess ?? {};
  const hostNetwork = access.hostNetwork === true;

  // Declared host access.
  const declaredPaths: AppHostPath[] = [];
  (access.hostPaths ?? []).forEach((hp, i) => {
    const at = ['hostAccess', 'hostPaths', i];
    if (!hp.path.startsWith('/')) return err(at, 'must be an absolute host path (relative paths already live under the app data root)');
    if (!PATH_CHARS.test(hp.path)) return err(at, 'must not contain control characters or ","');
    const p = normalizePosix(hp.path);
    if (FORBIDDEN_HOST_PATHS.has(p)) return err(at, `"${p}" may never be mounted: it would hand the container the host's ${p === '/' ? 'whole file system' : 'system files'}`);
    if (DOCKER_SOCKET_PATHS.has(p)) return err(at, 'the Docker socket is declared with hostAccess.dockerSocket: true, not as a host path');
    if (declaredPaths.some((d) => d.path === p)) return err(at, `"${p}" is declared twice`);
    declaredPaths.push({ path: p, ...(hp.reason ? { reason: hp.reason } : {}), declared: true });
  });

  const capabilities: AppCapability[] = [];
  (access.capabilities ?? []).forEach((c, i) => {
    const at = ['hostAccess', 'capabilities', i];
    const name = c.name.trim().toUpperCase().replace(/^CAP_/, '');
    if (name === 'ALL') return err(at, 'ALL is not accepted: declare hostAccess.privileged: true if the app really needs everything');
    if (!(LINUX_CAPABILITIES as readonly string[]).includes(name)) return err(at, `"${c.name}" is not a Linux capability (e.g. NET_ADMIN, SYS_TIME)`);
    if (capabilities.some((x) => x.name === name)) return err(at, `${name} is listed twice`);
    capabilities.push({ name, optional: c.optional === true, ...(c.reason ? { reason: c.reason } : {}) });
  });

  // What the containers get: one container (ports:, volumes:, env:) or services: sharing settings:.
  const multi = input.services !== undefined;
  if (multi) {
    for (const key of ['image', 'ports', 'volumes', 'env'] as const) {
      if (input[key] !== undefined) err([key], `belongs in a service: this app declares services: (${key === 'env' ? 'the settings the wizard asks for go under settings:' : 'each service has its own'})`);
    }
  } else {
    if (input.image === undefined) err(['image'], 'is required and must be an image reference like "nginx:1.27" (or declare services:)');
    for (const key of ['settings', 'namedVolumes'] as const) {
      if (input[key] !== undefined) err([key], 'is only for apps that declare services: (a single-container app lists its env:)');
    }
  }
  const checkPort = portChecker(err);
  const mounts = mountChecker({ access, declaredPaths, strictHostPaths: options.strictHostPaths === true, err, warnings });

  let ports: AppPort[];
  let volumes: AppVolume[];
  let env: AppEnvVar[];
  let multiService: ReturnType<typeof normalizeServices> | undefined;
  if (!multi) {
    ports = (input.ports ?? []).map((p, i) => checkPort(p, ['ports', i], hostNetwork));
    const containerPaths = new Map<string, string>();
    volumes = (input.volumes ?? []).flatMap((v, i) => mounts.check(v, ['volumes', i], containerPaths) ?? []);
    env = normalizeEnv(input.env ?? [], 'env', err);
  } else {
    env = normalizeEnv(input.settings ?? [], 'settings', err);
    multiService = normalizeServices(
      {
        services: input.services ?? {},
        namedVolumes: input.namedVolumes ?? [],
        restart: input.restart ?? 'unless-stopped',
        access,
        capabilities,
        settings: env,
      },
      { err, ports: checkPort, mounts: mounts.check },
    );
    ports = multiService.ports;
    volumes = multiService.volumes;
  }
  const implicitPaths = mounts.implicitPaths;

  declaredPaths.forEach((d, i) => {
    if (!volumes.some((v) => v.kind === 'host' && isUnder(v.hostPath, d.path))) {
      err(['hostAccess', 'hostPaths', i], `"${d.path}" is declared but no volume mounts it (or anything below it)`);
    }
  });
  if (access.dockerSocket === true && !mounts.socketMounted()) {
    err(['hostAccess', 'dockerSocket'], 'is declared but no volume mounts /var/run/docker.sock');
  }

  // Healthcheck.
  let healthcheck: AppHealthcheck | undefined;
  if (input.healthcheck) {
    const h = input.healthcheck;
    const at = ['healthcheck'];
    const timing = { timeoutSeconds: h.timeout ?? 120, intervalSeconds: h.interval ?? 5 };
    const before = errors.length;
    if (timing.timeoutSeconds > 900) err([...at, 'timeout'], 'must be at most 15 minutes (900 s)');
    if (timing.intervalSeconds > 60) err([...at, 'interval'], 'must be at most 60 s');
    if (timing.intervalSeconds > timing.timeoutSeconds) err([...at, 'interval'], 'must not be longer than the timeout');
    const tcpPorts = ports.filter((p) => p.protocol === 'tcp');
    const checkPort = (port: number, field: string) => {
      if (!hostNetwork && !tcpPorts.some((p) => p.container === port)) {
        err([...at, field], `${port} must be one of the container tcp ports declared in ports`);
      }
    };
    if ((h.http === undefined) === (h.tcp === undefined)) {
      err(at, 'must have exactly one of http: <path> or tcp: <port>');
    } else if (h.http !== undefined) {
      if (!/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/.test(h.http) || h.http.length > 512) {
        err([...at, 'http'], 'must be a URL path starting with "/" (no spaces), at most 512 characters');
      }
      const port = h.port ?? (tcpPorts.find((p) => !p.optional) ?? tcpPorts[0])?.container;
      if (port === undefined) err([...at, 'port'], 'is required: the definition publishes no tcp port to probe');
      else checkPort(port, h.port === undefined ? 'http' : 'port');
      if (errors.length === before && port !== undefined) {
        healthcheck = { type: 'http', path: h.http, port, expectStatus: h.expectStatus ?? [], ...timing };
      }
    } else if (h.tcp !== undefined) {
      if (h.port !== undefined) err([...at, 'port'], 'is only for http checks: tcp: already names the port');
      if (h.expectStatus !== undefined) err([...at, 'expectStatus'], 'is only for http checks');
      checkPort(h.tcp, 'tcp');
      if (errors.length === before) healthcheck = { type: 'tcp', port: h.tcp, ...timing };
    }
  }

  // Requirements.
  const requirements: AppRequirements = {};
  if (input.requirements?.memory !== undefined) requirements.memoryMiB = input.requirements.memory;
  if (input.requirements?.architectures) {
    const archs = input.requirements.architectures;
    const dup = archs.find((a, k) => archs.indexOf(a) !== k);
    if (dup) err(['requirements', 'architectures'], `${dup} is listed twice`);
    requirements.architectures = [...archs];
  }

  if (errors.length > 0) return { errors, warnings };

  const hostAccess: AppHostAccess = {
    privileged: access.privileged === true,
    hostNetwork,
    dockerSocket: access.dockerSocket === true,
    capabilities,
    hostPaths: [...declaredPaths, ...implicitPaths],
    ...(access.reason ? { reason: access.reason } : {}),
  };
  const app: AppDefinition = {
    id: input.id,
    name: input.name,
    description: input.description,
    category: input.category,
    tags: input.tags ? [...new Set(input.tags)] : [],
    ...(input.version ? { version: input.version } : {}),
    ...(input.icon ? { icon: input.icon } : {}),
    ...(input.website ? { website: input.website } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
    // Multi-service: the first service's image stands for the app where one image is shown.
    image: multiService ? multiService.services[0].image : (input.image as string),
    ports,
    volumes,
    env,
    ...(multiService ? { services: multiService.services } : {}),
    ...(multiService && multiService.namedVolumes.length > 0 ? { namedVolumes: multiService.namedVolumes } : {}),
    ...(healthcheck ? { healthcheck } : {}),
    requirements,
    restart: input.restart ?? 'unless-stopped',
    hostAccess,
    security: securityOf(hostAccess, volumes, input.adminOnly === true),
  };
  return { app: deepFreeze(app), errors, warnings };
}

/** The env entries of a single-container app, or the settings of a multi-service one (`prefix` is the field). */
function normalizeEnv(list: ReadonlyArray<EnvInput>, prefix: 'env' | 'settings', report: (p: ReadonlyArray<PropertyKey>, message: string) => void): AppEnvVar[] {
  const env: AppEnvVar[] = [];
  const envSeen = new Map<string, number>();
  list.forEach((e, i) => {
    const at = [prefix, i];
    if (envSeen.has(e.name)) return report([...at, 'name'], `${e.name} is already defined by ${prefix}.${envSeen.get(e.name)}`);
    envSeen.set(e.name, i);
    let failed = false;
    const err = (p: ReadonlyArray<PropertyKey>, message: string) => {
      failed = true;
      report(p, message);
    };
    if (e.generate && e.default !== undefined) err([...at, 'default'], 'a generated variable has no default');
    if (e.generate && e.required === true) err([...at, 'required'], 'a generated variable is never required from the user');
    if (e.generate && e.secret === false) err([...at, 'secret'], 'generated values are always secret');
    if (e.generate && e.options) err([...at, 'options'], 'a generated variable has no list of options');
    if (e.required === true && e.default !== undefined) err([...at, 'default'], 'a required variable has no default (a default makes it optional)');
    if (e.options && e.default !== undefined && !e.options.some((o) => o.value === e.default)) {
      err([...at, 'default'], `"${e.default}" is not one of the options`);
    }
    if (e.options) {
      const values = e.options.map((o) => o.value);
      const dup = values.find((v, k) => values.indexOf(v) !== k);
      if (dup !== undefined) err([...at, 'options'], `"${dup}" is listed twice`);
    }
    if (failed) return;
    env.push({
      name: e.name,
      label: e.label ?? e.name,
      ...(e.description ? { description: e.description } : {}),
      required: e.required === true,
      ...(e.default !== undefined ? { default: e.default } : {}),
      secret: e.generate !== undefined || e.secret === true,
      ...(e.generate ? { generate: e.generate } : {}),
      ...(e.options ? { options: e.options } : {}),
    });
  });
  return env;
}

/** The warnings an admin must accept, and whether only an admin may install. */
export function securityOf(access: AppHostAccess, volumes: ReadonlyArray<AppVolume>, adminOnly: boolean): AppSecurity {
  const warnings: HostAccessWarning[] = [];
  const why = (r?: string) => (r ? ` Reason: ${r}` : '');
  if (access.privileged) {
    warnings.push({ kind: 'privileged', optional: false, message: `Runs privileged: full access to all host devices and kernel features, no confinement.${why(access.reason)}` });
  }
  if (access.dockerSocket) {
    warnings.push({ kind: 'docker-socket', optional: false, subject: '/var/run/docker.sock', message: 'Mounts the Docker socket: it can control every container and is equivalent to root on the host.' });
  }
  if (access.hostNetwork) {
    warnings.push({ kind: 'host-network', optional: false, message: "Uses the host's network stack: listens directly on host ports and sees every network interface." });
  }
  for (const c of access.capabilities) {
    warnings.push({
      kind: 'capability',
      optional: c.optional,
      subject: c.name,
      message: `${c.optional ? 'Optionally adds' : 'Adds'} the Linux capability ${c.name}.${why(c.reason)}`,
    });
  }
  for (const hp of access.hostPaths) {
    const mounts = volumes.filter((v): v is AppHostVolume => v.kind === 'host' && isUnder(v.hostPath, hp.path));
    const rw = mounts.some((v) => !v.readOnly);
    warnings.push({
      kind: 'host-path',
      optional: false,
      subject: hp.path,
      message: `${rw ? 'Reads and writes' : 'Reads'} the host path ${hp.path}, outside the app's data folder.${why(hp.reason)}`,
    });
  }
  const requiresAdmin = adminOnly || warnings.some((w) => !w.optional);
  if (adminOnly && warnings.length === 0) {
    warnings.push({ kind: 'admin-only', optional: false, message: 'The definition restricts installation to administrators.' });
  }
  return { requiresAdmin, warnings };
}

/**
 * Whether installing with the given optional capabilities enabled needs an admin: the installer's
 * check (`security.requiresAdmin` covers the definition as is, with no optional item enabled).
 */
export function requiresAdminFor(app: AppDefinition, enabledOptionalCapabilities: ReadonlyArray<string> = []): boolean {
  return app.security.requiresAdmin || app.hostAccess.capabilities.some((c) => c.optional && enabledOptionalCapabilities.includes(c.name));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
