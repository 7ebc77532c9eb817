import { requiresAdminFor, type AppDefinition, type AppPort, type FieldProblem, type Protocol } from '../catalog';
import type { InstallRequest } from '../views';
import { generateValue, type ValueGenerator } from './generate-secret';

/*
 * An install request checked against its app definition and turned into exactly what the container
 * gets: host ports, environment, added capabilities. Pure (no I/O): the same request and definition
 * always give the same answer, except for generated secrets (injectable for tests).
 */

/** A port the installation publishes on the host (with host networking: the host port it listens on). */
export interface ResolvedPort {
  container: number;
  host: number;
  protocol: Protocol;
  description?: string;
}

/** What the install request resolves to, ready for `buildContainerSpec`. */
export interface ResolvedInstall {
  /** Published ports, in definition order; an optional port left unpublished is absent. */
  ports: ResolvedPort[];
  /** Environment by variable name, in definition order; values exactly as given (never escaped). */
  env: Record<string, string>;
  /** Names in `env` whose values are secret (declared `secret`, or generated): store them encrypted, never show them. */
  secretNames: string[];
  /** Linux capabilities to add: the definition's non-optional ones plus the optional ones opted in to, in definition order. */
  capabilities: string[];
}

export interface ResolveOptions {
  /** The caller is an admin (may install apps with host access, and opt in to optional capabilities). */
  isAdmin: boolean;
  /** Generator of `generate:` values (default: {@link generateValue}). */
  generate?: ValueGenerator;
}

export type ResolveResult =
  | { ok: true; value: ResolvedInstall }
  /** `forbidden`: the caller may not install this app (HTTP 403), `errors` then holds one `appId` problem saying why. */
  | { ok: false; errors: FieldProblem[]; forbidden?: boolean };

/** The longest setting value (the catalog format's limit for defaults). */
export const MAX_SETTING_LENGTH = 4096;

/** `"80/tcp"`: how a port is named in requests, error fields and Docker's port maps. */
export function portKey(port: { container: number; protocol: Protocol }): string {
  return `${port.container}/${port.protocol}`;
}

/**
 * Checks an install request against the app definition and resolves it: host ports, settings
 * (defaults applied, secrets generated) and capabilities. Every problem is reported, each with the
 * request field at fault (`ports.80/tcp`, `settings.DB_PASSWORD`, `capabilities`, `appId`), and no
 * message ever contains a setting value (one may be a secret).
 *
 * A caller who may not install the app gets only the `appId` problem with `forbidden: true`: there
 * is no point listing field errors of an install they cannot make.
 */
export function resolveInstallRequest(app: AppDefinition, request: InstallRequest, options: ResolveOptions): ResolveResult {
  const errors: FieldProblem[] = [];
  if (request.appId !== app.id) errors.push({ path: ['appId'], message: `does not match the definition being installed ("${app.id}")` });

  const capabilities = resolveCapabilities(app, request.capabilities, errors);
  if (!options.isAdmin && requiresAdminFor(app, capabilities.optedIn)) {
    return { ok: false, forbidden: true, errors: [{ path: ['appId'], message: `only an admin may install ${app.name}: ${adminReason(app, capabilities.optedIn)}` }] };
  }

  const ports = resolvePorts(app, request.ports, errors);
  const settings = resolveSettings(app, request.settings, options.generate ?? generateValue, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { ports, env: settings.env, secretNames: settings.secretNames, capabilities: capabilities.all } };
}

/** The first warning that makes this install admin-only (the one to show a refused user). */
function adminReason(app: AppDefinition, optedIn: ReadonlyArray<string>): string {
  const applies = app.security.warnings.find((w) => !w.optional || (w.subject !== undefined && optedIn.includes(w.subject)));
  // `adminOnly` with only optional warnings has no warning of its own.
  return applies?.message ?? 'The definition restricts installation to administrators.';
}

/** A name from the request, quoted for a message: escaped, and cut so a huge key cannot flood the answer. */
const quoted = (name: string) => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own property only: a name like `__proto__` or `constructor` must never read Object.prototype. */
const own = (record: Record<string, unknown>, key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);

/** Names as the definition writes them: upper case, no `CAP_` prefix (`cap_net_admin` → `NET_ADMIN`). */
const capabilityName = (name: string) => name.trim().toUpperCase().replace(/^CAP_/, '');

function resolveCapabilities(app: AppDefinition, requested: unknown, errors: FieldProblem[]): { optedIn: string[]; all: string[] } {
  const declared = app.hostAccess.capabilities;
  const optional = declared.filter((c) => c.optional).map((c) => c.name);
  const choice = optional.length > 0 ? `this app's optional capabilities are ${optional.join(', ')}` : 'this app has no optional capabilities';
  const optedIn = new Set<string>();
  if (requested !== undefined) {
    if (!Array.isArray(requested)) {
      errors.push({ path: ['capabilities'], message: 'must be a list of capability names' });
    } else {
      for (const raw of requested as unknown[]) {
        if (typeof raw !== 'string') {
          errors.push({ path: ['capabilities'], message: 'must be a list of capability names' });
          continue;
        }
        const name = capabilityName(raw);
        const cap = declared.find((c) => c.name === name);
        if (cap?.optional) optedIn.add(name);
        else if (cap) errors.push({ path: ['capabilities'], message: `${name} is always added for this app; only optional capabilities are chosen at install (${choice})` });
        else errors.push({ path: ['capabilities'], message: `${quoted(raw)} is not an optional capability of this app (${choice})` });
      }
    }
  }
  return {
    optedIn: [...optedIn],
    all: declared.filter((c) => !c.optional || optedIn.has(c.name)).map((c) => c.name),
  };
}

function resolvePorts(app: AppDefinition, requested: unknown, errors: FieldProblem[]): ResolvedPort[] {
  const hostNetwork = app.hostAccess.hostNetwork;
  const chosen: Record<string, unknown> = {};
  if (requested !== undefined) {
    if (!isRecord(requested)) {
      errors.push({ path: ['ports'], message: 'must map "<container port>/<protocol>" to a host port' });
    } else {
      const declared = app.ports.map(portKey);
      for (const [key, value] of Object.entries(requested)) {
        if (declared.includes(key)) {
          chosen[key] = value;
        } else {
          const list = declared.length > 0 ? `this app's ports are ${declared.join(', ')}` : 'this app declares no ports';
          errors.push({ path: ['ports', key], message: `${quoted(key)} is not a port of this app (${list})` });
        }
      }
    }
  }

  const resolved: ResolvedPort[] = [];
  for (const port of app.ports) {
    const key = portKey(port);
    const host = hostPortOf(port, own(chosen, key), hostNetwork);
    if (typeof host === 'string') errors.push({ path: ['ports', key], message: host });
    else if (host !== null) resolved.push({ container: port.container, host, protocol: port.protocol, ...(port.description ? { description: port.description } : {}) });
  }

  // Two ports of the app on one host port: the second one cannot be published.
  const first = new Map<string, ResolvedPort>();
  for (const p of resolved) {
    const hostKey = `${p.host}/${p.protocol}`;
    const holder = first.get(hostKey);
    if (holder) errors.push({ path: ['ports', portKey(p)], message: `host port ${hostKey} is already used by port ${portKey(holder)} of this app` });
    else first.set(hostKey, p);
  }
  return resolved;
}

/**
 * The host port of one declared port (`null`: left unpublished), or the problem with the requested
 * value. An optional port is published only when asked for: it is one more port that could clash,
 * for a feature the user did not choose (Pi-hole's DHCP, Portainer's Edge tunnel).
 */
function hostPortOf(port: AppPort, value: unknown, hostNetwork: boolean): number | null | string {
  if (value === undefined) return port.optional ? null : port.host;
  if (value === null) {
    return port.optional ? null : 'cannot be left unpublished: the app needs this port (only optional ports may be null)';
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    return 'must be a host port number from 1 to 65535 (or null to leave an optional port unpublished)';
  }
  if (hostNetwork && value !== port.container) {
    return `must be ${port.container}: the app uses the host's network, so it listens on its own port directly on the host and that port cannot be changed`;
  }
  return value;
}

function resolveSettings(
  app: AppDefinition,
  requested: unknown,
  generate: ValueGenerator,
  errors: FieldProblem[],
): { env: Record<string, string>; secretNames: string[] } {
  let given: Record<string, unknown> = {};
  if (requested !== undefined) {
    if (isRecord(requested)) given = requested;
    else errors.push({ path: ['settings'], message: 'must map setting names to text values' });
  }
  const names = app.env.map((e) => e.name);
  for (const name of Object.keys(given)) {
    if (!names.includes(name)) {
      const list = names.length > 0 ? `this app's settings are ${names.join(', ')}` : 'this app has no settings';
      errors.push({ path: ['settings', name], message: `${quoted(name)} is not a setting of this app (${list})` });
    }
  }

  // Entries, not assignments: `env.__proto__ = v` would not create a variable called __proto__.
  const entries: Array<[string, string]> = [];
  const secretNames: string[] = [];
  for (const variable of app.env) {
    const at = ['settings', variable.name];
    const raw = own(given, variable.name);
    let value: string | undefined;
    if (raw !== undefined) {
      const problem = settingProblem(raw);
      if (problem) {
        errors.push({ path: at, message: problem });
        continue;
      }
      // An empty value is no value: an untouched wizard field must not override a default with "" or skip a generated secret.
      if (raw !== '') value = raw as string;
    }
    if (value === undefined) {
      if (variable.required) {
        errors.push({ path: at, message: 'is required' });
        continue;
      }
      value = variable.generate ? generate(variable.generate) : variable.default;
    }
    if (value === undefined) continue;
    if (variable.options && !variable.options.some((o) => o.value === value)) {
      errors.push({ path: at, message: `must be one of: ${variable.options.map((o) => JSON.stringify(o.value)).join(', ')}` });
      continue;
    }
    entries.push([variable.name, value]);
    if (variable.secret) secretNames.push(variable.name);
  }
  return { env: Object.fromEntries(entries), secretNames };
}

/** What is wrong with a given setting value, never quoting it (it may be a secret). */
function settingProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be text';
  if (value.length > MAX_SETTING_LENGTH) return `must be at most ${MAX_SETTING_LENGTH} characters`;
  if (value.includes('\0')) return 'must not contain NUL characters (a container environment cannot hold them)';
  return undefined;
}
