import { DOCKER_SOCKET_PATHS, FORBIDDEN_HOST_PATHS, isUnder, normalizePosix } from '../normalize-parts';
import { ARCHITECTURES, LINUX_CAPABILITIES, RESTART_POLICIES } from '../definition-types';
import { ENV_NAME, isPlainObject } from '../input-parts';
import { SERVICE_NAME } from '../service-input';
import { slugify } from '../portainer-templates';
import { substituter, type SubstitutionContext } from './compose-variables';
import { durationSeconds, readMount, readPort, splitCommand } from './compose-parts';
import { mapCategories } from './store-categories';
import type { ComposeAppInput, ImportedApp, Refusal } from './store-types';

/*
 * The shared converter of the Compose-based app stores (CasaOS, Runtipi, Umbrel): one app's
 * docker-compose.yml plus what its store reader found (metadata, settings, the store's variables)
 * becomes Tomo's multi-service definition input (docs/catalog-format.md, "App stores"), which then
 * goes through the same schema as any catalog file.
 *
 * What Tomo cannot honour is refused per field, never guessed: a refusal that changes how the app
 * runs (an unmappable variable, a build, an entrypoint, a device...) makes the app unavailable,
 * with the reason; one that does not (a label, a container name, a log driver) is left out.
 * Host paths outside the app's folder, privileged mode, host networking, capabilities and the
 * Docker socket become declared host access: the app is admin-only and shows the warnings.
 */

export * from './store-types';

const DATA_ROOT = '${DATA_ROOT}';

/** Service keys that only name, label or size the container: left out, with a refusal saying so. */
const IGNORED_KEYS: Readonly<Record<string, string>> = {
  container_name: 'Tomo names the containers of an installation itself',
  hostname: 'the service is reached by its service name on the app network',
  labels: 'container labels are Tomo\'s own',
  logging: 'the engine\'s default log driver is used (Tomo reads the logs)',
  networks: 'the services share the app\'s own network',
  deploy: 'resource limits and replicas are not supported',
  cpu_shares: 'resource limits are not supported', cpus: 'resource limits are not supported', mem_limit: 'resource limits are not supported',
  mem_reservation: 'resource limits are not supported', memswap_limit: 'resource limits are not supported', pids_limit: 'resource limits are not supported',
  shm_size: 'the engine\'s default /dev/shm size is used',
  stop_grace_period: 'the apps.stopTimeoutSeconds setting applies', stop_signal: 'SIGTERM is sent on stop',
  tty: 'no terminal is allocated', stdin_open: 'no terminal is allocated', expose: 'services reach each other on the app network without it',
  ulimits: 'the engine\'s default limits apply', sysctls: 'kernel parameters are not set', security_opt: 'the engine\'s default confinement applies',
  extra_hosts: 'extra /etc/hosts entries are not supported', dns: 'the engine\'s DNS settings apply', dns_search: 'the engine\'s DNS settings apply',
  init: 'no init process is added', platform: 'the server\'s own platform is pulled', pull_policy: 'Tomo pulls when installing', oom_score_adj: 'the engine\'s default applies',
};

/** Service keys whose absence changes what the container runs or reaches: the app cannot be installed. */
const FATAL_KEYS: Readonly<Record<string, string>> = {
  build: 'images are not built: the service must name an image',
  entrypoint: 'replacing the image\'s entrypoint is not supported',
  working_dir: 'changing the working directory is not supported',
  user: 'running as another user than the image\'s is not supported',
  env_file: 'environment files are not read: the store must declare the variables',
  volumes_from: 'mounting another container\'s volumes is not supported',
  extends: 'extending another service is not supported',
  devices: 'device passthrough is not supported by Tomo\'s installer',
  tmpfs: 'tmpfs mounts are not supported',
  ipc: 'sharing the IPC namespace is not supported',
  pid: 'sharing the PID namespace is not supported',
  links: 'legacy links are not supported (services reach each other by name)',
  configs: 'Compose configs are not supported', secrets: 'Compose secrets are not supported',
  group_add: 'extra groups are not supported', cap_drop: 'dropping capabilities is not supported',
  runtime: 'other container runtimes are not supported', gpus: 'GPU access is not supported',
};

const TOP_LEVEL_KEYS = new Set(['services', 'volumes', 'networks', 'version', 'name']);

/** Converts one app of a Compose-based store. Never throws. */
export function importComposeApp(input: ComposeAppInput): ImportedApp {
  // The reader's own findings come first: they concern the store's metadata, read before the Compose file.
  const refusals: Refusal[] = [...(input.refusals ?? [])];
  const fatal: string[] = input.unavailable ? [input.unavailable] : [];
  const refuse = (field: string, reason: string, isFatal: boolean) => {
    refusals.push({ appId: input.appId, field, reason });
    if (isFatal) fatal.push(`${field}: ${reason}`);
  };
  const done = (definition?: Record<string, unknown>): ImportedApp => ({
    ...(definition ? { definition } : {}),
    refusals,
    ...(fatal.length > 0 ? { unavailable: fatal.join('; ') } : {}),
  });

  const compose = input.compose;
  if (!isPlainObject(compose) || !isPlainObject(compose.services)) {
    refuse('services', 'the Compose file must have a services: mapping', true);
    return done();
  }
  for (const key of Object.keys(compose)) {
    if (!TOP_LEVEL_KEYS.has(key) && !key.startsWith('x-')) refuse(key, `top-level ${key}: is not supported and is ignored`, false);
  }
  if (compose.networks !== undefined) refuse('networks', 'the services share the app\'s own network', false);

  const usedSettings = new Set<string>();
  const subst = substituter(input.variables, input.settings, usedSettings);
  /** Substitutes a string found at `field`; problems become refusals of that field. */
  const text = (value: string, field: string, context: SubstitutionContext) =>
    subst(value, context, (p) => refuse(field, p.reason, p.fatal));
  const appDataPaths = (input.appDataPaths ?? []).map(normalizePosix);
  const describe = (key: string) => {
    const d = input.descriptions?.[key];
    return d === undefined ? undefined : oneLine(d, 200) || undefined;
  };

  const ignored = new Map((input.ignoreServices ?? []).map((s) => (typeof s === 'string' ? [s, 'left out by the store reader'] : [s.service, s.reason])));
  const hostPaths: Array<{ path: string; reason: string }> = [];
  const capabilities = new Set<string>();
  const access = { privileged: false, hostNetwork: false, dockerSocket: false };
  const namedVolumes = new Map<string, { name: string }>();
  const topVolumes = isPlainObject(compose.volumes) ? compose.volumes : {};
  const services: Record<string, Record<string, unknown>> = {};
  const fromStore = `declared by the ${input.store.name} app ${input.meta.name}`;

  for (const [name, raw] of Object.entries(compose.services)) {
    const at = `services.${name}`;
    if (ignored.has(name)) {
      refuse(at, `service left out: ${ignored.get(name)}`, false);
      continue;
    }
    if (!SERVICE_NAME.test(name)) {
      refuse(at, 'service names must be lowercase letters, digits, "_" and "-"', true);
      continue;
    }
    if (!isPlainObject(raw)) {
      refuse(at, 'must be a mapping', true);
      continue;
    }
    const service: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) {
      if (key.startsWith('x-')) continue;
      if (FATAL_KEYS[key] && !(key === 'build' && raw.image !== undefined)) refuse(`${at}.${key}`, FATAL_KEYS[key], true);
      else if (IGNORED_KEYS[key] || key === 'build') refuse(`${at}.${key}`, IGNORED_KEYS[key] ?? 'the named image is pulled instead of built', false);
    }

    if (typeof raw.image !== 'string') {
      if (raw.build === undefined) refuse(`${at}.image`, 'is required', true);
      continue;
    }
    service.image = text(raw.image, `${at}.image`, 'other');

    if (raw.command !== undefined) {
      const argv = typeof raw.command === 'string' ? splitCommand(raw.command) : Array.isArray(raw.command) ? raw.command.map(String) : undefined;
      if (!argv) refuse(`${at}.command`, 'must be a command line or a list of arguments', true);
      else if (argv.length > 0) service.command = argv.map((a, i) => text(a, `${at}.command.${i}`, 'other'));
    }

    // Host access.
    if (raw.privileged === true) {
      service.privileged = true;
      access.privileged = true;
    }
    if (raw.network_mode !== undefined) {
      const mode = typeof raw.network_mode === 'string' ? raw.network_mode : '';
      if (mode === 'host') {
        service.hostNetwork = true;
        access.hostNetwork = true;
      } else if (mode !== 'bridge') refuse(`${at}.network_mode`, `network mode "${mode}" is not supported (host or the app's own network)`, true);
    }
    if (raw.cap_add !== undefined) {
      const caps: string[] = [];
      (Array.isArray(raw.cap_add) ? raw.cap_add : [raw.cap_add]).forEach((c, i) => {
        const cap = String(c).trim().toUpperCase().replace(/^CAP_/, '');
        if (!(LINUX_CAPABILITIES as readonly string[]).includes(cap)) return refuse(`${at}.cap_add.${i}`, `${cap} is not a capability Tomo grants (ALL: declare privileged instead)`, true);
        caps.push(cap);
        capabilities.add(cap);
      });
      if (caps.length > 0) service.capabilities = caps;
    }
    if (raw.restart !== undefined) {
      const policy = String(raw.restart).replace(/:\d+$/, '');
      if ((RESTART_POLICIES as readonly string[]).includes(policy)) service.restart = policy;
      else refuse(`${at}.restart`, `"${String(raw.restart)}" is not a restart policy; unless-stopped is used`, false);
    }

    // Ports.
    if (raw.ports !== undefined) {
      const ports: unknown[] = [];
      (Array.isArray(raw.ports) ? raw.ports : []).forEach((p, i) => {
        const port = readPort(typeof p === 'string' ? text(p, `${at}.ports.${i}`, 'other') : p);
        if (typeof port === 'string') return refuse(`${at}.ports.${i}`, port, true);
        if (service.hostNetwork === true) port.host = port.container;
        const description = describe(`${name} ${port.container}`);
        ports.push({ ...port, ...(description ? { description } : {}) });
      });
      if (!Array.isArray(raw.ports)) refuse(`${at}.ports`, 'must be a list', true);
      if (ports.length > 0) service.ports = ports;
    }

    // Volumes.
    if (raw.volumes !== undefined) {
      const volumes: unknown[] = [];
      (Array.isArray(raw.volumes) ? raw.volumes : []).forEach((v, i) => {
        const vAt = `${at}.volumes.${i}`;
        const mount = readMount(typeof v === 'string' ? text(v, vAt, 'hostPath') : v);
        if (typeof mount === 'string') return refuse(vAt, mount, true);
        const target = text(mount.target, vAt, 'other');
        const description = describe(`${name} ${target}`);
        const readOnly = { ...(mount.readOnly ? { readOnly: true } : {}), ...(description ? { description } : {}) };
        if (mount.source === undefined) return volumes.push({ container: target, ...readOnly });
        const source = typeof v === 'string' ? mount.source : text(mount.source, vAt, 'hostPath');
        if (mount.type === 'volume') {
          if (!SERVICE_NAME.test(source)) return refuse(vAt, `volume name "${source}" must be lowercase letters, digits, "_" and "-"`, true);
          const declared = topVolumes[source];
          if (isPlainObject(declared) && (declared.external === true || declared.driver !== undefined || declared.driver_opts !== undefined)) {
            return refuse(`volumes.${source}`, 'external volumes and volume drivers are not supported', true);
          }
          namedVolumes.set(source, { name: source });
          return volumes.push({ volume: source, container: target, ...readOnly });
        }
        const host = hostSide(source, appDataPaths);
        if (typeof host !== 'string') return refuse(vAt, host.refused, true);
        if (host.startsWith('/')) {
          if (DOCKER_SOCKET_PATHS.has(host)) access.dockerSocket = true;
          else if (!hostPaths.some((h) => isUnder(host, h.path))) {
            for (let k = hostPaths.length - 1; k >= 0; k--) if (isUnder(hostPaths[k].path, host)) hostPaths.splice(k, 1);
            hostPaths.push({ path: host, reason: fromStore });
          }
        }
        volumes.push({ host, container: target, ...readOnly });
      });
      if (!Array.isArray(raw.volumes)) refuse(`${at}.volumes`, 'must be a list', true);
      if (volumes.length > 0) service.volumes = volumes;
    }

    // Environment.
    if (raw.environment !== undefined) {
      const env: Record<string, string> = {};
      const entries: Array<[string, unknown, string]> = Array.isArray(raw.environment)
        ? raw.environment.map((e, i): [string, unknown, string] => {
            const s = String(e);
            const eq = s.indexOf('=');
            return eq < 0 ? [s, null, `${at}.environment.${i}`] : [s.slice(0, eq), s.slice(eq + 1), `${at}.environment.${i}`];
          })
        : isPlainObject(raw.environment)
          ? Object.entries(raw.environment).map(([k, v]): [string, unknown, string] => [k, v, `${at}.environment.${k}`])
          : [];
      if (!Array.isArray(raw.environment) && !isPlainObject(raw.environment)) refuse(`${at}.environment`, 'must be a mapping or a list', true);
      for (const [key, value, field] of entries) {
        if (!ENV_NAME.test(key)) refuse(field, `"${key}" is not a variable name`, true);
        else if (value === null || value === undefined) refuse(field, 'a variable taken from the host\'s environment is not passed', false);
        else {
          const literal = String(value);
          if (/\{\{|\}\}/.test(literal.replace(/\$\{[^}]*\}/g, ''))) refuse(field, '"{{" or "}}" in a value would read as a Tomo setting', true);
          else env[key] = text(literal, field, 'env');
        }
      }
      if (Object.keys(env).length > 0) service.env = env;
    }

    // Healthcheck and dependencies.
    if (isPlainObject(raw.healthcheck) && raw.healthcheck.disable !== true) {
      const h = raw.healthcheck;
      const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : Array.isArray(h.test) ? h.test.map(String) : undefined;
      if (!test || test[0] === 'NONE') refuse(`${at}.healthcheck.test`, 'must be a command (CMD or CMD-SHELL)', false);
      else {
        const check: Record<string, unknown> = { test: test.map((t, i) => text(t, `${at}.healthcheck.test.${i}`, 'other')) };
        for (const [from, to] of [['interval', 'interval'], ['timeout', 'timeout'], ['start_period', 'startPeriod']] as const) {
          if (h[from] === undefined) continue;
          const seconds = durationSeconds(h[from]);
          if (seconds === undefined) refuse(`${at}.healthcheck.${from}`, 'must be a duration like "30s"; Docker\'s default is used', false);
          else check[to] = seconds;
        }
        if (typeof h.retries === 'number') check.retries = h.retries;
        service.healthcheck = check;
      }
    }
    if (raw.depends_on !== undefined) {
      const deps: Record<string, { condition: string }> = {};
      const list = Array.isArray(raw.depends_on)
        ? raw.depends_on.map((d) => [String(d), 'service_started'] as const)
        : isPlainObject(raw.depends_on)
          ? Object.entries(raw.depends_on).map(([d, spec]) => [d, isPlainObject(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started'] as const)
          : [];
      for (const [dep, condition] of list) {
        if (ignored.has(dep)) continue;
        if (condition !== 'service_started' && condition !== 'service_healthy') refuse(`${at}.depends_on.${dep}`, `condition ${condition} is not supported (service_started or service_healthy)`, true);
        else deps[dep] = { condition };
      }
      if (Object.keys(deps).length > 0) service.dependsOn = deps;
    }
    services[name] = service;
  }
  if (Object.keys(services).length === 0) {
    refuse('services', 'no service is left to run', true);
    return done();
  }

  const meta = input.meta;
  const { category, tags } = mapCategories(meta.categories);
  const definition: Record<string, unknown> = {
    id: appIdOf(input.store.id, input.appId),
    name: oneLine(meta.name, 100) || input.appId,
    description: (meta.description ?? meta.tagline ?? meta.name).trim().slice(0, 2000) || meta.name,
    category,
  };
  if (tags.length > 0) definition.tags = tags;
  if (meta.version !== undefined) {
    if (/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(meta.version)) definition.version = meta.version;
    else refuse(input.metaFields?.version ?? 'version', `"${meta.version}" is not a version Tomo shows (letters, digits, ".", "_", "+", "-")`, false);
  }
  for (const key of ['icon', 'website'] as const) {
    const url = meta[key];
    if (url === undefined) continue;
    if (/^https?:\/\/\S+$/i.test(url) && url.length <= 2048) definition[key] = url;
    else refuse(input.metaFields?.[key] ?? key, 'is not an http(s) URL and is left out', false);
  }
  if (meta.notes !== undefined && meta.notes.trim() !== '') definition.notes = meta.notes.trim().slice(0, 4000);
  const architectures = (meta.architectures ?? []).filter((a, i, all) => (ARCHITECTURES as readonly string[]).includes(a) && all.indexOf(a) === i);
  if (architectures.length > 0) definition.requirements = { architectures };
  const settings = input.settings.filter((s) => usedSettings.has(s.name));
  if (settings.length > 0) definition.settings = settings;
  definition.services = services;
  if (namedVolumes.size > 0) definition.namedVolumes = [...namedVolumes.values()];
  const hostAccess: Record<string, unknown> = {};
  if (access.privileged) hostAccess.privileged = true;
  if (access.hostNetwork) hostAccess.hostNetwork = true;
  if (access.dockerSocket) hostAccess.dockerSocket = true;
  if (capabilities.size > 0) hostAccess.capabilities = [...capabilities].map((name) => ({ name, reason: fromStore }));
  if (hostPaths.length > 0) hostAccess.hostPaths = hostPaths;
  if (Object.keys(hostAccess).length > 0) definition.hostAccess = { ...hostAccess, reason: fromStore };
  return done(definition);
}

/** `<store id>-<app slug>`, at most 64 characters: the Tomo id of a store's app. */
export function appIdOf(storeId: string, appId: string): string {
  return `${storeId}-${slugify(appId)}`.slice(0, 64).replace(/-+$/, '');
}

function oneLine(text: string, max: number): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * The host side of a bind mount in Tomo's terms: `${DATA_ROOT}/...` for the app's own folder
 * (already substituted, a store data path, or relative to the Compose file), else an absolute host path.
 */
function hostSide(source: string, appDataPaths: ReadonlyArray<string>): string | { refused: string } {
  if (source.startsWith('~')) return { refused: 'home-directory paths ("~") are not supported' };
  if (source === DATA_ROOT || source.startsWith(`${DATA_ROOT}/`)) return inData(source.slice(DATA_ROOT.length));
  if (!source.startsWith('/')) return inData(source);
  const p = normalizePosix(source);
  const own = appDataPaths.find((root) => isUnder(p, root));
  if (own !== undefined) return inData(p.slice(own.length));
  if (FORBIDDEN_HOST_PATHS.has(p)) return { refused: `"${p}" may never be mounted: it is the host's ${p === '/' ? 'whole file system' : 'system files'}` };
  return p;
}

/** A path relative to the app's data folder, which it may not leave. */
function inData(relative: string): string | { refused: string } {
  const sub = normalizePosix(relative.replace(/^\/+/, ''));
  if (sub === '..' || sub.startsWith('../')) return { refused: 'the path leaves the app\'s data folder' };
  return sub === '' ? `${DATA_ROOT}` : `${DATA_ROOT}/${sub}`;
}
