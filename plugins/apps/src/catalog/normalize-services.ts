import { ENV_NAME } from './input-parts';
import { checkContainerPath, type mountChecker, type portChecker } from './normalize-parts';
import type { AppCapability, AppEnvVar, AppNamedVolume, AppPort, AppService, AppServiceEnv, AppServiceVolume, AppVolume, RestartPolicy } from './definition-types';
import type { ServiceInput } from './service-input';

/*
 * The rules across fields of a multi-service app (docs/catalog-format.md, "Multi-service apps"):
 * each service's host access is declared at the top, every `{{NAME}}` names a setting and every
 * setting is used, `dependsOn` names other services without a cycle and `service_healthy` waits
 * only for a service with a healthcheck, named volumes are declared and used.
 */

type Report = (at: ReadonlyArray<PropertyKey>, message: string) => void;

/** `{{NAME}}` in a service's env value: the value of the app's setting NAME. */
export const SETTING_REFERENCE = /\{\{([^{}]*)\}\}/g;

/** Docker's own defaults, so a healthcheck that leaves them out behaves as in Compose. */
const HEALTHCHECK_DEFAULTS = { interval: 30, timeout: 30, retries: 3, startPeriod: 0 };
const MAX_HEALTHCHECK_SECONDS = 3600;

export interface ServicesInput {
  services: Record<string, ServiceInput>;
  namedVolumes: ReadonlyArray<{ name: string; description?: string }>;
  /** The app's default restart policy (top-level `restart:`). */
  restart: RestartPolicy;
  access: { privileged?: boolean; hostNetwork?: boolean };
  capabilities: ReadonlyArray<AppCapability>;
  /** The app's settings, already normalised. */
  settings: ReadonlyArray<AppEnvVar>;
}

export interface ServicesContext {
  err: Report;
  ports: ReturnType<typeof portChecker>;
  mounts: ReturnType<typeof mountChecker>['check'];
}

export interface NormalisedServices {
  services: AppService[];
  namedVolumes: AppNamedVolume[];
  /** Every service's ports, in service order (the app's `ports`). */
  ports: AppPort[];
  /** Every service's data and host mounts (the app's `volumes`). */
  volumes: AppVolume[];
}

export function normalizeServices(input: ServicesInput, ctx: ServicesContext): NormalisedServices {
  const { err } = ctx;
  const names = Object.keys(input.services);

  const namedVolumes: AppNamedVolume[] = [];
  input.namedVolumes.forEach((v, i) => {
    if (namedVolumes.some((n) => n.name === v.name)) return err(['namedVolumes', i], `"${v.name}" is declared twice`);
    namedVolumes.push({ name: v.name, ...(v.description ? { description: v.description } : {}) });
  });

  const usedSettings = new Set<string>();
  const usedVolumes = new Set<string>();
  const usedCapabilities = new Set<string>();
  let usesPrivileged = false;
  let usesHostNetwork = false;
  const services: AppService[] = [];

  for (const name of names) {
    const s = input.services[name];
    const at = ['services', name];
    const hostNetwork = s.hostNetwork === true;
    const privileged = s.privileged === true;
    if (hostNetwork && input.access.hostNetwork !== true) err([...at, 'hostNetwork'], 'is host access: the definition must declare hostAccess.hostNetwork: true');
    if (privileged && input.access.privileged !== true) err([...at, 'privileged'], 'is host access: the definition must declare hostAccess.privileged: true');
    usesHostNetwork ||= hostNetwork;
    usesPrivileged ||= privileged;

    const capabilities: string[] = [];
    (s.capabilities ?? []).forEach((raw, i) => {
      const cap = raw.trim().toUpperCase().replace(/^CAP_/, '');
      if (!input.capabilities.some((c) => c.name === cap)) return err([...at, 'capabilities', i], `${cap} is host access: declare it in hostAccess.capabilities`);
      if (capabilities.includes(cap)) return err([...at, 'capabilities', i], `${cap} is listed twice`);
      capabilities.push(cap);
      usedCapabilities.add(cap);
    });

    const ports = (s.ports ?? []).map((p, i) => ctx.ports(p, [...at, 'ports', i], hostNetwork, name));

    const containerPaths = new Map<string, string>();
    const volumes: AppServiceVolume[] = [];
    (s.volumes ?? []).forEach((v, i) => {
      const vAt = [...at, 'volumes', i];
      if (v.volume === undefined) {
        const mount = ctx.mounts(v, vAt, containerPaths, name);
        if (mount) volumes.push(mount);
        return;
      }
      if (v.host !== undefined) return err([...vAt, 'volume'], 'a mount has either host: (a folder) or volume: (a named volume), not both');
      if (!namedVolumes.some((n) => n.name === v.volume)) return err([...vAt, 'volume'], `"${v.volume}" is not declared in namedVolumes`);
      const cpErr = checkContainerPath(v.container);
      if (cpErr) return err([...vAt, 'container'], cpErr);
      if (containerPaths.has(v.container)) return err([...vAt, 'container'], `"${v.container}" is already mounted by ${containerPaths.get(v.container)}`);
      containerPaths.set(v.container, vAt.join('.'));
      usedVolumes.add(v.volume);
      volumes.push({ kind: 'named', service: name, volume: v.volume, containerPath: v.container, readOnly: v.readOnly === true, ...(v.description ? { description: v.description } : {}) });
    });

    const env: AppServiceEnv[] = [];
    (s.env ?? []).forEach((e) => {
      const eAt = [...at, 'env', e.at];
      if (env.some((x) => x.name === e.name)) return err(eAt, `${e.name} is set twice`);
      const problem = templateProblem(e.value, input.settings, usedSettings);
      if (problem) return err(eAt, problem);
      env.push({ name: e.name, value: e.value });
    });

    let healthcheck: AppService['healthcheck'];
    if (s.healthcheck) {
      const h = s.healthcheck;
      const timing = {
        intervalSeconds: h.interval ?? HEALTHCHECK_DEFAULTS.interval,
        timeoutSeconds: h.timeout ?? HEALTHCHECK_DEFAULTS.timeout,
        startPeriodSeconds: h.startPeriod ?? HEALTHCHECK_DEFAULTS.startPeriod,
      };
      const field = { intervalSeconds: 'interval', timeoutSeconds: 'timeout', startPeriodSeconds: 'startPeriod' } as const;
      for (const [key, seconds] of Object.entries(timing) as Array<[keyof typeof field, number]>) {
        if (seconds > MAX_HEALTHCHECK_SECONDS) err([...at, 'healthcheck', field[key]], `must be at most ${MAX_HEALTHCHECK_SECONDS / 60} minutes`);
      }
      healthcheck = { test: [...h.test], ...timing, retries: h.retries ?? HEALTHCHECK_DEFAULTS.retries };
    }

    services.push({
      name,
      image: s.image,
      ...(s.command ? { command: [...s.command] } : {}),
      ports,
      volumes,
      env,
      ...(healthcheck ? { healthcheck } : {}),
      dependsOn: [],
      restart: s.restart ?? input.restart,
      privileged,
      hostNetwork,
      capabilities,
    });
  }

  // Dependencies, once every service is known.
  for (const service of services) {
    const s = input.services[service.name];
    for (const dep of s.dependsOn ?? []) {
      const at = ['services', service.name, 'dependsOn', dep.service];
      const target = services.find((x) => x.name === dep.service);
      if (dep.service === service.name) err(at, 'a service cannot depend on itself');
      else if (!target) err(at, `"${dep.service}" is not a service of this app (its services are ${names.join(', ')})`);
      else if (dep.condition === 'service_healthy' && !target.healthcheck) err(at, `service_healthy needs a healthcheck on "${dep.service}"`);
      else if (service.dependsOn.some((d) => d.service === dep.service)) err(at, `"${dep.service}" is listed twice`);
      else service.dependsOn.push({ service: dep.service, condition: dep.condition });
    }
  }
  const cycle = findCycle(services);
  if (cycle) err(['services', cycle[0], 'dependsOn'], `services depend on each other in a circle: ${cycle.join(' → ')}`);

  input.settings.forEach((setting, i) => {
    if (!usedSettings.has(setting.name)) err(['settings', i], `${setting.name} is not used by any service: give it to one as {{${setting.name}}} in its env`);
  });
  namedVolumes.forEach((v) => {
    if (!usedVolumes.has(v.name)) err(['namedVolumes', input.namedVolumes.findIndex((n) => n.name === v.name)], `"${v.name}" is declared but no service mounts it`);
  });
  if (input.access.hostNetwork === true && !usesHostNetwork) err(['hostAccess', 'hostNetwork'], 'is declared but no service sets hostNetwork: true');
  if (input.access.privileged === true && !usesPrivileged) err(['hostAccess', 'privileged'], 'is declared but no service sets privileged: true');
  input.capabilities.forEach((c, i) => {
    if (!usedCapabilities.has(c.name)) err(['hostAccess', 'capabilities', i], `${c.name} is declared but no service lists it in capabilities`);
  });

  return {
    services,
    namedVolumes,
    ports: services.flatMap((s) => s.ports),
    volumes: services.flatMap((s) => s.volumes.filter((v): v is AppVolume => v.kind !== 'named')),
  };
}

/**
 * What is wrong with an env value's `{{NAME}}` references, if anything; records the settings used.
 * A setting inside a longer value must always have one (else the value would silently hold ""),
 * while a value that is just `{{NAME}}` is left out of the container when the setting is empty.
 */
function templateProblem(value: string, settings: ReadonlyArray<AppEnvVar>, used: Set<string>): string | undefined {
  const refs = [...value.matchAll(SETTING_REFERENCE)];
  // Whatever else is wrong, a setting named here is not also reported as unused.
  for (const [, inner] of refs) if (settings.some((s) => s.name === inner.trim())) used.add(inner.trim());
  const rest = value.replace(SETTING_REFERENCE, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'has an unclosed "{{" or a stray "}}": write a setting as {{NAME}}';
  const whole = refs.length === 1 && refs[0][0] === value;
  for (const [, inner] of refs) {
    const name = inner;
    if (!ENV_NAME.test(name)) return `"{{${inner}}}" must name a setting: {{NAME}}, without spaces`;
    const setting = settings.find((s) => s.name === name);
    if (!setting) return `{{${name}}} is not a setting of this app (declare it in settings:)`;
    if (!whole && setting.default === undefined && !setting.generate && !setting.required) {
      return `{{${name}}} is used inside a longer value, so the setting must always have a value (default:, generate: or required: true)`;
    }
    used.add(name);
  }
  return undefined;
}

/** The first dependency cycle, as service names from and back to its first one. */
function findCycle(services: ReadonlyArray<AppService>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of services.find((s) => s.name === name)?.dependsOn ?? []) {
      const found = visit(dep.service);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const s of services) {
    const found = visit(s.name);
    if (found) return found;
  }
  return undefined;
}
