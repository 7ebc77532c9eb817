import { isPlainObject, portNumber } from './store-reading';

/*
 * Runtipi's older dynamic format, `docker-compose.json` (runtipi.io "Dynamic compose", schema
 * versions 1 and 2): `{ schemaVersion, services: [{ name, image, isMain, internalPort, environment,
 * volumes, addPorts, dependsOn, healthCheck, ... }] }`, turned into the Compose mapping the shared
 * converter reads. Its keys are Compose's in camelCase; those with a Compose equivalent are renamed,
 * the rest are refused by name (the converter then judges the Compose keys like any other).
 */

/** camelCase key of docker-compose.json → the Compose key it stands for. */
const RENAMED: Record<string, string> = {
  image: 'image',
  command: 'command',
  entrypoint: 'entrypoint',
  privileged: 'privileged',
  networkMode: 'network_mode',
  devices: 'devices',
  capAdd: 'cap_add',
  capDrop: 'cap_drop',
  user: 'user',
  hostname: 'hostname',
  workingDir: 'working_dir',
  stopGracePeriod: 'stop_grace_period',
  stopSignal: 'stop_signal',
  shmSize: 'shm_size',
  ulimits: 'ulimits',
  extraHosts: 'extra_hosts',
  readOnly: 'read_only',
  tty: 'tty',
  stdinOpen: 'stdin_open',
  logging: 'logging',
  deploy: 'deploy',
  sysctls: 'sysctls',
  pid: 'pid',
  securityOpt: 'security_opt',
  labels: 'labels',
  restart: 'restart',
};

/** Keys handled below (not simply renamed). */
const HANDLED = new Set(['name', 'isMain', 'internalPort', 'environment', 'volumes', 'addPorts', 'dependsOn', 'healthCheck']);

const HEALTHCHECK_KEYS: Record<string, string> = { test: 'test', interval: 'interval', timeout: 'timeout', retries: 'retries', startPeriod: 'start_period', startInterval: 'start_interval' };

/**
 * The Compose mapping of a docker-compose.json document; the main service keeps its port under
 * `x-runtipi` (as the YAML format writes it), so the reader publishes it the same way for both.
 * Throws with a plain message when the document is not a dynamic compose file at all.
 */
export function runtipiJsonToCompose(json: unknown, refuse: (field: string, reason: string) => void): Record<string, unknown> {
  if (!isPlainObject(json) || !Array.isArray(json.services)) throw new Error('docker-compose.json must be an object with a services list');
  const version = json.schemaVersion ?? 1;
  if (version !== 1 && version !== 2) throw new Error(`docker-compose.json schemaVersion ${JSON.stringify(version)} is not one Tomo reads (1 or 2)`);
  const services: Record<string, Record<string, unknown>> = {};
  json.services.forEach((s, i) => {
    const at = `docker-compose.json.services.${i}`;
    if (!isPlainObject(s) || typeof s.name !== 'string') throw new Error(`${at} must be an object with a name`);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(s)) {
      if (RENAMED[key]) out[RENAMED[key]] = value;
      else if (!HANDLED.has(key)) refuse(`${at}.${key}`, `"${key}" is not a docker-compose.json key Tomo knows: ignored`);
    }
    // v1: { NAME: value }; v2: [{ key, value }].
    if (Array.isArray(s.environment)) {
      out.environment = Object.fromEntries(s.environment.filter(isPlainObject).map((e) => [String(e.key), e.value === undefined || e.value === null ? '' : String(e.value)]));
    } else if (isPlainObject(s.environment)) out.environment = { ...s.environment };
    if (Array.isArray(s.volumes)) {
      out.volumes = s.volumes.filter(isPlainObject).map((v) => `${String(v.hostPath)}:${String(v.containerPath)}${v.readOnly === true ? ':ro' : ''}`);
    }
    if (Array.isArray(s.addPorts)) {
      out.ports = s.addPorts.filter(isPlainObject).flatMap((p, k) => {
        const host = portNumber(p.hostPort);
        const container = portNumber(p.containerPort);
        if (host === undefined || container === undefined) {
          refuse(`${at}.addPorts.${k}`, 'hostPort and containerPort must be port numbers: not published');
          return [];
        }
        const protocols = [p.tcp !== false ? 'tcp' : undefined, p.udp === true ? 'udp' : undefined].filter(Boolean);
        if (p.interface !== undefined) refuse(`${at}.addPorts.${k}.interface`, 'a port bound to one address: Tomo publishes it on every address');
        return protocols.map((proto) => `${host}:${container}/${proto}`);
      });
    }
    if (Array.isArray(s.dependsOn)) out.depends_on = [...s.dependsOn];
    else if (isPlainObject(s.dependsOn)) out.depends_on = { ...s.dependsOn };
    if (isPlainObject(s.healthCheck)) {
      out.healthcheck = Object.fromEntries(Object.entries(s.healthCheck).flatMap(([k, v]) => (HEALTHCHECK_KEYS[k] ? [[HEALTHCHECK_KEYS[k], v]] : [])));
    }
    if (s.isMain === true) out['x-runtipi'] = { is_main: true, internal_port: s.internalPort };
    services[s.name] = out;
  });
  return { services };
}
