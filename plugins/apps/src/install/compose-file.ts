import path from 'node:path';
import type { Document as YamlDocument } from 'yaml';
import { lazyModule } from '@tomo/kernel';
import { SETTING_REFERENCE, servicesOf, type AppDefinition, type AppService, type AppServiceVolume } from '../catalog';
import { containerNameFor, LABELS, LOG_CONFIG, ON_FAILURE_MAX_RETRIES } from './container-spec';
import { portKey, type ResolvedInstall, type ResolvedPort } from './install-settings';

/** `yaml` loads with the first Compose file written, not at start-up (issue 19, idle memory). */
const yamlLib = lazyModule<typeof import('yaml')>(require, 'yaml');

/*
 * The Compose file of an installation, generated from the validated definition and the resolved
 * install request only (docs/catalog-format.md, "Multi-service apps"). Pure: no I/O.
 *
 * Two guarantees, both by construction:
 *   - No text from a definition or a user becomes YAML structure: the file is an object turned into
 *     YAML by the `yaml` library, every scalar a double-quoted string. Keys are service names, env
 *     names and label names, all checked against fixed patterns here (again) before use.
 *   - Values reach the container verbatim: Compose interpolates `$VAR`, `${VAR}` and `$$` in every
 *     string of the file, so every `$` of every string is written `$$` (Compose reads it back as
 *     one `$`). `$HOME`, `$$`, backticks, quotes and `$(...)` arrive unchanged; no shell is involved.
 */

export interface ComposeProjectInput {
  /** The canonical definition (single-container or multi-service). */
  app: AppDefinition;
  /** The checked install request: setting values (generated secrets included), host ports, capabilities. */
  resolved: ResolvedInstall;
  installationId: string;
  serverId: string;
  /** The installation's data folder on the server ({@link dataDirFor}): data volumes are bind mounts under it. */
  dataDir: string;
}

export interface ComposeService {
  name: string;
  /** The host ports this service publishes (with host networking: listens on), from the install request. */
  ports: ResolvedPort[];
}

export interface ComposeProject {
  /** Compose project name (`docker compose -p`), also written as the file's `name:`. */
  projectName: string;
  /** The compose file. */
  yaml: string;
  /** The file holds a secret setting's value: upload it with mode 0600. */
  holdsSecrets: boolean;
  services: ComposeService[];
}

/**
 * The Compose project of an installation: `tomo-<appId>-<first 6 hex digits of the installation id>`,
 * the name its single container had before Compose and the name of its data folder. Lowercase
 * letters, digits and "-", starting with a letter: valid for Compose.
 */
export function composeProjectName(appId: string, installationId: string): string {
  return containerNameFor(appId, installationId);
}

const SAFE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Builds the Compose project of an installation. Throws only for inputs Tomo itself got wrong (a bad data folder, an unsafe key). */
export function buildComposeProject(input: ComposeProjectInput): ComposeProject {
  const { app, resolved } = input;
  checkDataDir(input.dataDir);
  const projectName = composeProjectName(app.id, input.installationId);
  const labels: Record<string, string> = {
    [LABELS.managed]: 'true',
    [LABELS.installation]: input.installationId,
    [LABELS.app]: app.id,
    [LABELS.server]: input.serverId,
    ...(app.version ? { [LABELS.appVersion]: app.version } : {}),
  };

  let holdsSecrets = false;
  const services: ComposeService[] = [];
  const composeServices: Record<string, unknown> = {};
  for (const service of servicesOf(app)) {
    const ports = portsOf(service, resolved);
    services.push({ name: service.name, ports });
    const env = environmentOf(service, resolved);
    holdsSecrets ||= env.holdsSecrets;
    composeServices[key(service.name)] = {
      image: service.image,
      ...(service.command ? { command: [...service.command] } : {}),
      ...(Object.keys(env.values).length > 0 ? { environment: env.values } : {}),
      ...(!service.hostNetwork && ports.length > 0
        ? { ports: ports.map((p) => ({ target: p.container, published: String(p.host), protocol: p.protocol })) }
        : {}),
      ...(service.volumes.length > 0 ? { volumes: service.volumes.map((v) => volumeOf(v, input.dataDir, app.id)) } : {}),
      ...(service.healthcheck
        ? {
            healthcheck: {
              test: [...service.healthcheck.test],
              interval: seconds(service.healthcheck.intervalSeconds),
              timeout: seconds(service.healthcheck.timeoutSeconds),
              retries: service.healthcheck.retries,
              ...(service.healthcheck.startPeriodSeconds > 0 ? { start_period: seconds(service.healthcheck.startPeriodSeconds) } : {}),
            },
          }
        : {}),
      ...(service.dependsOn.length > 0
        ? { depends_on: Object.fromEntries(service.dependsOn.map((d) => [key(d.service), { condition: d.condition }])) }
        : {}),
      restart: service.restart === 'on-failure' ? `on-failure:${ON_FAILURE_MAX_RETRIES}` : service.restart,
      labels: { ...labels },
      logging: { driver: LOG_CONFIG.Type, options: { ...LOG_CONFIG.Config } },
      ...(service.privileged ? { privileged: true } : {}),
      ...capabilitiesOf(service, resolved),
      // Without host networking every service joins the project's default network: one private network per app.
      ...(service.hostNetwork ? { network_mode: 'host' } : {}),
    };
  }

  const file: Record<string, unknown> = { name: projectName, services: composeServices };
  if (app.namedVolumes && app.namedVolumes.length > 0) {
    file.volumes = Object.fromEntries(app.namedVolumes.map((v) => [key(v.name), { labels: { ...labels } }]));
  }
  const doc: YamlDocument = new (yamlLib().Document)(escapeInterpolation(file), { aliasDuplicateObjects: false });
  doc.commentBefore = ' Generated by Tomo from the app definition; Tomo rewrites it on every change.';
  const yaml = doc.toString({ lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
  return { projectName, yaml, holdsSecrets, services };
}

/** A key of the file: checked, since a key is structure (Compose does not interpolate keys, so no escaping). */
function key(name: string): string {
  if (!SAFE_KEY.test(name)) throw new Error(`not usable as a Compose key: ${JSON.stringify(name)}`);
  return name;
}

/** Every `$` of every string doubled, keys checked; numbers and booleans as they are. */
function escapeInterpolation(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeInterpolation);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [key(k), escapeInterpolation(v)]));
  }
  return value;
}

/**
 * The service's variables with `{{NAME}}` replaced by the setting's value, in one pass (a value that
 * itself contains `{{...}}` is not expanded again). A variable that is just `{{NAME}}` of a setting
 * without a value is left out, as a single container's was.
 */
function environmentOf(service: AppService, resolved: ResolvedInstall): { values: Record<string, string>; holdsSecrets: boolean } {
  const entries: Array<[string, string]> = [];
  let holdsSecrets = false;
  const settingOf = (name: string) => (Object.hasOwn(resolved.env, name) ? resolved.env[name] : undefined);
  for (const variable of service.env) {
    const refs = [...variable.value.matchAll(SETTING_REFERENCE)].map((m) => m[1]);
    const whole = refs.length === 1 && variable.value === `{{${refs[0]}}}`;
    if (whole && settingOf(refs[0]) === undefined) continue;
    if (refs.some((name) => resolved.secretNames.includes(name) && settingOf(name) !== undefined)) holdsSecrets = true;
    entries.push([key(variable.name), variable.value.replace(SETTING_REFERENCE, (_, name: string) => settingOf(name) ?? '')]);
  }
  return { values: Object.fromEntries(entries), holdsSecrets };
}

/** The install request's host ports of this service's ports (an optional port left unpublished is absent). */
function portsOf(service: AppService, resolved: ResolvedInstall): ResolvedPort[] {
  const mine = new Set(service.ports.map(portKey));
  // In a multi-service app a container port/protocol belongs to one service only (the format checks it).
  return resolved.ports.filter((p) => mine.has(portKey(p)));
}

function capabilitiesOf(service: AppService, resolved: ResolvedInstall): { cap_add?: string[] } {
  const caps = service.capabilities.filter((c) => resolved.capabilities.includes(c));
  return caps.length > 0 ? { cap_add: caps } : {};
}

/** A mount in Compose's long syntax: no `host:container:mode` string for a path to break. */
function volumeOf(v: AppServiceVolume, dataDir: string, appId: string): Record<string, unknown> {
  const readOnly = v.readOnly ? { read_only: true } : {};
  if (v.kind === 'named') return { type: 'volume', source: key(v.volume), target: v.containerPath, ...readOnly };
  if (v.kind === 'host') return { type: 'bind', source: v.hostPath, target: v.containerPath, ...readOnly };
  const source = v.subPath === '' ? dataDir : path.posix.join(dataDir, v.subPath);
  if (source !== dataDir && !source.startsWith(`${dataDir}/`)) throw new Error(`${appId}: data volume "${v.subPath}" leaves the data folder`);
  // A fresh install's folders do not exist yet: Compose creates them (as Docker did for a single container's binds).
  return { type: 'bind', source, target: v.containerPath, ...readOnly, bind: { create_host_path: true } };
}

function checkDataDir(dataDir: string): void {
  if (!path.posix.isAbsolute(dataDir) || path.posix.normalize(dataDir) !== dataDir || dataDir === '/' || dataDir.endsWith('/')) {
    throw new Error(`the data folder must be a normalised absolute path other than "/", not ${JSON.stringify(dataDir)}`);
  }
}

const seconds = (n: number) => `${n}s`;
