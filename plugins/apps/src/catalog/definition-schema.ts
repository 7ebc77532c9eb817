import path from 'node:path';
import { z } from 'zod';
import { parseImageReference } from './image-reference';
import { ALLOWED_KEYS_PREFIX, problemsFromZod, toIssues, type CatalogIssue, type FieldProblem } from './issues';
import { DATA_ROOT, RESTART_POLICIES, GENERATE_KINDS, PROTOCOLS, ARCHITECTURES, LINUX_CAPABILITIES } from './definition-types';
import type { GenerateKind, Protocol, AppPort, AppHostVolume, AppVolume, AppEnvOption, AppEnvVar, AppHealthcheck, AppRequirements, AppCapability, AppHostPath, AppHostAccess, HostAccessWarning, AppSecurity, AppDefinition } from './definition-types';

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

// ---------------------------------------------------------------------------------------------
// Input (YAML) schemas
// ---------------------------------------------------------------------------------------------

/** Text on one line: no control characters, no bidi overrides (a name must read as it is). */
const SINGLE_LINE = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;
/** Text that may span lines (description, notes): tabs and line breaks allowed, other control characters not. */
const MULTI_LINE = /^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|[\t\n\r])*$/u;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A strict object whose unknown-key message lists the allowed keys. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = `${ALLOWED_KEYS_PREFIX}${Object.keys(shape).join(', ')}`;
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? allowed : undefined) });
}

const line = (max: number) =>
  z
    .string('must be text')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(SINGLE_LINE, 'must be one line without control characters');
const paragraph = (max: number) =>
  z
    .string('must be text')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(MULTI_LINE, 'must not contain control characters');
const slug = (what: string) =>
  z
    .string('must be text')
    .max(64, 'must be at most 64 characters')
    .regex(KEBAB, `must be ${what} in kebab-case: lowercase letters and digits separated by single "-"`);
const url = z
  .string('must be a URL')
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !/\s/.test(v);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');
const portNumber = z
  .number('must be a port number')
  .int('must be a whole number')
  .min(1, 'must be 1 to 65535')
  .max(65535, 'must be 1 to 65535');
const protocol = z.enum(PROTOCOLS, 'must be "tcp" or "udp"');
/** Seconds as a number, or "30s" / "2m". */
const duration = z.union([z.number(), z.string()], 'must be seconds (a number) or a duration like "30s" or "2m"').transform((v, ctx) => {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v;
  } else {
    const m = /^(\d+(?:\.\d+)?)\s*(s|m)$/.exec(v.trim());
    if (m) return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  }
  ctx.addIssue({ code: 'custom', message: 'must be seconds (a number above 0) or a duration like "30s" or "2m"' });
  return z.NEVER;
});

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A list entry with a string shorthand and an object form: dispatches on the type of the value so
 * the errors are those of the form the author used (not a union's "invalid input").
 */
function shorthand<S, O>(forms: { string: z.ZodType<S>; object: z.ZodType<O>; expected: string }) {
  return z.unknown().transform((value, ctx): S | O => {
    const schema: z.ZodType<S | O> | undefined =
      typeof value === 'string' ? forms.string : isPlainObject(value) ? forms.object : undefined;
    if (!schema) {
      ctx.addIssue({ code: 'custom', message: `must be ${forms.expected}` });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const p of problemsFromZod(result.error)) ctx.addIssue({ code: 'custom', message: p.message, path: [...p.path] as (string | number)[] });
    return z.NEVER;
  });
}

// --- ports ---

/** Port as written: container, optional host, protocol, description, optional. */
export interface PortInput {
  container: number;
  host?: number;
  protocol?: Protocol;
  description?: string;
  optional?: boolean;
}

const portString = z.string().transform((v, ctx): PortInput => {
  const m = /^(?:(\d{1,6}):)?(\d{1,6})(?:\/(tcp|udp))?$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'must be "HOST:CONTAINER[/tcp|udp]" or "CONTAINER[/tcp|udp]", e.g. "8080:80/tcp"' });
    return z.NEVER;
  }
  const host = m[1] === undefined ? undefined : Number(m[1]);
  const container = Number(m[2]);
  for (const [what, n] of [['host', host], ['container', container]] as const) {
    if (n !== undefined && (n < 1 || n > 65535)) {
      ctx.addIssue({ code: 'custom', message: `${what} port ${n} is out of range: ports are 1 to 65535` });
      return z.NEVER;
    }
  }
  return { container, ...(host !== undefined ? { host } : {}), ...(m[3] ? { protocol: m[3] as Protocol } : {}) };
});

const portObject = strictObject({
  container: portNumber,
  host: portNumber.optional(),
  protocol: protocol.optional(),
  description: line(200).optional(),
  optional: z.boolean('must be true or false').optional(),
});

export const portInputSchema = shorthand<PortInput, PortInput>({
  string: portString,
  object: portObject,
  expected: 'a port like "8080:80/tcp" or an object with container:, host:, protocol:',
});

// --- volumes ---

/** Volume as written: `host` absent means "under the data root, named after the container path". */
export interface VolumeInput {
  host?: string;
  container: string;
  readOnly?: boolean;
  description?: string;
}

const volumeString = z.string().transform((v, ctx): VolumeInput => {
  const parts = v.split(':');
  if (parts.length === 1) return { container: parts[0] };
  if (parts.length === 2) return { host: parts[0], container: parts[1] };
  if (parts.length === 3 && (parts[2] === 'ro' || parts[2] === 'rw')) return { host: parts[0], container: parts[1], readOnly: parts[2] === 'ro' };
  ctx.addIssue({ code: 'custom', message: 'must be "HOST:CONTAINER", "HOST:CONTAINER:ro" (or ":rw") or just "CONTAINER"' });
  return z.NEVER;
});

/** Docker's bind syntax (`host:container:mode`) cannot hold a colon in either path: it would change the mount. */
const bindPath = z.string('must be a path').max(1024, 'must be at most 1024 characters').refine((p) => !p.includes(':'), 'must not contain ":" (Docker bind syntax)');

const volumeObject = strictObject({
  host: bindPath.optional(),
  container: bindPath,
  readOnly: z.boolean('must be true or false').optional(),
  description: line(200).optional(),
});

export const volumeInputSchema = shorthand<VolumeInput, VolumeInput>({
  string: volumeString,
  object: volumeObject,
  expected: 'a volume like "data:/config" or "/srv/media:/media:ro", or an object with host:, container:, readOnly:',
});

// --- env ---

/** Environment variable as written (object form, to which every shorthand is expanded). */
export interface EnvInput {
  name: string;
  label?: string;
  description?: string;
  default?: string;
  required?: boolean;
  secret?: boolean;
  generate?: GenerateKind;
  options?: AppEnvOption[];
}

const envName = z
  .string('must be a variable name')
  .max(128, 'must be at most 128 characters')
  .regex(ENV_NAME, 'must be a variable name: letters, digits and "_", not starting with a digit');
const envValue = z
  .union([z.string(), z.number(), z.boolean()], 'must be text, a number or true/false')
  .transform((v) => String(v))
  .pipe(z.string().max(4096, 'must be at most 4096 characters').regex(/^[^\0]*$/, 'must not contain NUL characters'));
const envOption = shorthand<AppEnvOption, AppEnvOption>({
  string: envValue.transform((value) => ({ value, label: value })),
  object: strictObject({ value: envValue, label: line(100).optional() }).transform((o) => ({ value: o.value, label: o.label ?? o.value })),
  expected: 'a value or an object with value: and label:',
});

const envObject = strictObject({
  name: envName,
  label: line(100).optional(),
  description: paragraph(1000).optional(),
  default: envValue.optional(),
  required: z.boolean('must be true or false').optional(),
  secret: z.boolean('must be true or false').optional(),
  generate: z.enum(GENERATE_KINDS, `must be one of: ${GENERATE_KINDS.join(', ')}`).optional(),
  options: z.array(envOption, 'must be a list of values').min(1, 'must list at least one value').max(100, 'must list at most 100 values').optional(),
});

const envString = z.string().transform((v, ctx): EnvInput => {
  const eq = v.indexOf('=');
  const name = eq < 0 ? v : v.slice(0, eq);
  if (eq < 0 || !ENV_NAME.test(name)) {
    ctx.addIssue({ code: 'custom', message: 'must be "NAME=value" (or a "NAME: value" / "NAME: required" mapping, or an object with name:)' });
    return z.NEVER;
  }
  const value = envValue.safeParse(v.slice(eq + 1));
  if (!value.success) {
    ctx.addIssue({ code: 'custom', message: `value: ${value.error.issues[0].message}` });
    return z.NEVER;
  }
  return { name, default: value.data };
});

/** `{NAME: required}`, `{NAME: value}` or `{NAME: null}` (optional, no default); an object with `name:` is the full form. */
const envMapping = z.record(z.string(), z.unknown()).transform((o, ctx): EnvInput => {
  if ('name' in o) {
    const full = envObject.safeParse(o);
    if (full.success) return full.data;
    for (const p of problemsFromZod(full.error)) ctx.addIssue({ code: 'custom', message: p.message, path: [...p.path] as (string | number)[] });
    return z.NEVER;
  }
  const keys = Object.keys(o);
  if (keys.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be one "NAME: value" pair per list item (or an object with name:, default:, required:, ...)',
    });
    return z.NEVER;
  }
  const name = keys[0];
  if (!ENV_NAME.test(name) || name.length > 128) {
    ctx.addIssue({ code: 'custom', message: 'must be a variable name: letters, digits and "_", not starting with a digit', path: [name] });
    return z.NEVER;
  }
  const raw = o[name];
  if (raw === 'required') return { name, required: true };
  if (raw === null) return { name };
  const value = envValue.safeParse(raw);
  if (!value.success) {
    ctx.addIssue({ code: 'custom', message: `${value.error.issues[0].message} (or "required")`, path: [name] });
    return z.NEVER;
  }
  return { name, default: value.data };
});

export const envInputSchema = shorthand<EnvInput, EnvInput>({
  string: envString,
  object: envMapping,
  expected: '"NAME=value", a "NAME: value" / "NAME: required" mapping, or an object with name:',
});

// --- hostAccess, healthcheck, requirements ---

const reason = line(300);

const capabilityInput = shorthand<{ name: string; optional?: boolean; reason?: string }, { name: string; optional?: boolean; reason?: string }>({
  string: z.string().transform((name) => ({ name })),
  object: strictObject({ name: z.string('must be a capability name'), optional: z.boolean('must be true or false').optional(), reason: reason.optional() }),
  expected: 'a capability name like NET_ADMIN, or an object with name:, optional:, reason:',
});

const hostPathInput = shorthand<{ path: string; reason?: string }, { path: string; reason?: string }>({
  string: z.string().transform((p) => ({ path: p })),
  object: strictObject({ path: z.string('must be a path'), reason: reason.optional() }),
  expected: 'an absolute path, or an object with path: and reason:',
});

const hostAccessInput = strictObject({
  privileged: z.boolean('must be true or false').optional(),
  hostNetwork: z.boolean('must be true or false').optional(),
  dockerSocket: z.boolean('must be true or false').optional(),
  capabilities: z.array(capabilityInput, 'must be a list').max(LINUX_CAPABILITIES.length, 'lists too many capabilities').optional(),
  hostPaths: z.array(hostPathInput, 'must be a list').max(32, 'must list at most 32 paths').optional(),
  reason: reason.optional(),
});

const healthcheckInput = strictObject({
  http: z.string('must be a request path like /health').optional(),
  tcp: portNumber.optional(),
  port: portNumber.optional(),
  timeout: duration.optional(),
  interval: duration.optional(),
  expectStatus: z
    .array(z.number('must be a status code').int('must be a status code').min(100, 'must be 100 to 599').max(599, 'must be 100 to 599'), 'must be a list of status codes')
    .min(1, 'must list at least one status code')
    .max(20, 'must list at most 20 status codes')
    .optional(),
});

const memory = z.union([z.number(), z.string()], 'must be a size like "512M" or "2G"').transform((v, ctx) => {
  let mib: number | undefined;
  if (typeof v === 'number') mib = v;
  else {
    const m = /^(\d+(?:\.\d+)?)\s*(m|mi|mb|mib|g|gi|gb|gib)$/i.exec(v.trim());
    if (m) mib = Number(m[1]) * (m[2].toLowerCase().startsWith('g') ? 1024 : 1);
  }
  if (mib === undefined || !Number.isFinite(mib) || mib < 4 || mib > 1024 * 1024) {
    ctx.addIssue({ code: 'custom', message: 'must be a size between 4M and 1024G, like "512M" or "2G" (a bare number is MiB)' });
    return z.NEVER;
  }
  return Math.ceil(mib);
});

const requirementsInput = strictObject({
  memory: memory.optional(),
  architectures: z
    // `386` unquoted is a YAML number: accept it as the architecture.
    .array(z.preprocess((v) => (v === 386 ? '386' : v), z.enum(ARCHITECTURES, `must be one of: ${ARCHITECTURES.join(', ')}`)), 'must be a list')
    .min(1, 'must list at least one architecture')
    .max(ARCHITECTURES.length, 'lists too many architectures')
    .optional(),
});

const textVersion = z
  .string('must be text: quote it ("1.10") so YAML does not read it as a number')
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'must be letters, digits, ".", "_", "+" and "-"');

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
  image: z.string('is required and must be an image reference like "nginx:1.27"').superRefine((v, ctx) => {
    const r = parseImageReference(v);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
  }),
  ports: z.array(portInputSchema, 'must be a list').max(64, 'must list at most 64 ports').optional(),
  volumes: z.array(volumeInputSchema, 'must be a list').max(64, 'must list at most 64 volumes').optional(),
  env: z.array(envInputSchema, 'must be a list').max(200, 'must list at most 200 variables').optional(),
  healthcheck: healthcheckInput.optional(),
  requirements: requirementsInput.optional(),
  restart: z.enum(RESTART_POLICIES, `must be one of: ${RESTART_POLICIES.join(', ')}`).optional(),
  hostAccess: hostAccessInput.optional(),
  adminOnly: z.boolean('must be true or false').optional(),
});

export type AppDefinitionInput = z.output<typeof appDefinitionInputSchema>;

// ---------------------------------------------------------------------------------------------
// Normalize
// ---------------------------------------------------------------------------------------------

/**
 * Host paths never mountable, declared or not: the whole host, and system roots (each of which
 * would give the container the host's configuration, kernel interfaces, devices or the Docker socket).
 */
export const FORBIDDEN_HOST_PATHS: ReadonlySet<string> = new Set([
  '/', '/etc', '/proc', '/sys', '/dev', '/boot', '/root',
  '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr', '/var', '/run', '/var/run', '/var/lib', '/var/lib/docker', '/home',
]);

/** The Docker socket, under both of its usual paths. */
export const DOCKER_SOCKET_PATHS: ReadonlySet<string> = new Set(['/var/run/docker.sock', '/run/docker.sock']);

/** Below these, a host path must be declared even in lenient mode. */
const SENSITIVE_PREFIXES = ['/etc/', '/proc/', '/sys/', '/dev/', '/boot/', '/root/', '/bin/', '/sbin/', '/lib/', '/lib32/', '/lib64/', '/usr/', '/run/', '/var/run/', '/var/lib/docker/'];

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

const isUnder = (p: string, root: string) => p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);

/** `/a//b/../c/` → `/a/c`; relative stays relative (`./x` → `x`, `.` → ``). */
function normalizePosix(p: string): string {
  const n = path.posix.normalize(p);
  if (n === '.' || n === './') return '';
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const PATH_CHARS = /^[^\p{Cc},]*$/u;

function checkContainerPath(p: string): string | undefined {
  if (!p.startsWith('/')) return 'container path must be absolute (start with "/")';
  if (!PATH_CHARS.test(p)) return 'container path must not contain control characters or ","';
  if (normalizePosix(p) !== p) return `container path must be normalised (no "..", "." or doubled "/"): "${normalizePosix(p)}"`;
  if (p === '/') return 'container path must not be "/"';
  return undefined;
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

  // Ports.
  const ports: AppPort[] = [];
  const hostSeen = new Map<string, number>();
  const containerSeen = new Map<string, number>();
  (input.ports ?? []).forEach((p, i) => {
    const port: AppPort = {
      container: p.container,
      host: p.host ?? p.container,
      protocol: p.protocol ?? 'tcp',
      ...(p.description ? { description: p.description } : {}),
      optional: p.optional === true,
    };
    if (hostNetwork && port.host !== port.container) {
      err(['ports', i, 'host'], `must equal the container port (${port.container}): with hostAccess.hostNetwork the app listens on host ports directly`);
    }
    const hk = `${port.host}/${port.protocol}`;
    const ck = `${port.container}/${port.protocol}`;
    if (hostSeen.has(hk)) err(['ports', i, 'host'], `host port ${hk} is already published by ports.${hostSeen.get(hk)}`);
    else hostSeen.set(hk, i);
    if (containerSeen.has(ck)) err(['ports', i, 'container'], `container port ${ck} is already listed in ports.${containerSeen.get(ck)}`);
    else containerSeen.set(ck, i);
    ports.push(port);
  });

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

  // Volumes.
  const volumes: AppVolume[] = [];
  const implicitPaths: AppHostPath[] = [];
  const containerPaths = new Map<string, number>();
  let socketMounted = false;
  (input.volumes ?? []).forEach((v, i) => {
    const at = ['volumes', i];
    const cpErr = checkContainerPath(v.container);
    if (cpErr) return err([...at, 'container'], cpErr);
    if (containerPaths.has(v.container)) return err([...at, 'container'], `"${v.container}" is already mounted by volumes.${containerPaths.get(v.container)}`);
    containerPaths.set(v.container, i);
    const readOnly = v.readOnly === true;
    const description = v.description ? { description: v.description } : {};
    const hostAt = [...at, 'host'];

    let host = v.host === undefined ? undefined : v.host.trim();
    if (host === undefined) {
      volumes.push({ kind: 'data', subPath: v.container.slice(1), containerPath: v.container, readOnly, ...description });
      return;
    }
    if (host === '') return err(hostAt, 'must not be empty');
    if (!PATH_CHARS.test(host)) return err(hostAt, 'must not contain control characters or ","');
    if (host === DATA_ROOT || host.startsWith(`${DATA_ROOT}/`)) host = `./${host.slice(DATA_ROOT.length)}`;
    if (host.includes('$')) return err(hostAt, `only the ${DATA_ROOT} placeholder is supported in host paths`);
    if (host.startsWith('~')) return err(hostAt, 'home-directory paths ("~") are not supported: use a relative path (under the app data root) or an absolute one');

    if (!host.startsWith('/')) {
      const sub = normalizePosix(host);
      if (sub === '..' || sub.startsWith('../')) return err(hostAt, `"${v.host}" leaves the app data root: relative host paths must stay inside it`);
      volumes.push({ kind: 'data', subPath: sub, containerPath: v.container, readOnly, ...description });
      return;
    }

    const p = normalizePosix(host);
    const resolved = p === host ? '' : ` (resolves to "${p}")`;
    if (FORBIDDEN_HOST_PATHS.has(p)) {
      return err(hostAt, `"${v.host}"${resolved} may never be mounted: it would hand the container the host's ${p === '/' ? 'whole file system' : 'system files'}`);
    }
    if (DOCKER_SOCKET_PATHS.has(p)) {
      if (access.dockerSocket !== true) {
        return err(hostAt, `mounts the Docker socket${resolved}, which is root on the host: the definition must declare hostAccess.dockerSocket: true`);
      }
      socketMounted = true;
      volumes.push({ kind: 'host', hostPath: p, containerPath: v.container, readOnly, ...description, dockerSocket: true });
      return;
    }
    if (!declaredPaths.some((d) => isUnder(p, d.path)) && !implicitPaths.some((d) => d.path === p)) {
      const sensitive = SENSITIVE_PREFIXES.some((prefix) => p.startsWith(prefix));
      if (options.strictHostPaths || sensitive) {
        return err(
          hostAt,
          `"${p}" is outside the app data root${sensitive ? ' in a system directory' : ''}: list it in hostAccess.hostPaths (or use a relative path, which lives under the app data root)`,
        );
      }
      implicitPaths.push({ path: p, declared: false });
      warnings.push({ path: hostAt, message: `"${p}" is outside the app data root and not listed in hostAccess.hostPaths: treated as declared (the app is admin-only)` });
    }
    volumes.push({ kind: 'host', hostPath: p, containerPath: v.container, readOnly, ...description, dockerSocket: false });
  });

  declaredPaths.forEach((d, i) => {
    if (!volumes.some((v) => v.kind === 'host' && isUnder(v.hostPath, d.path))) {
      err(['hostAccess', 'hostPaths', i], `"${d.path}" is declared but no volume mounts it (or anything below it)`);
    }
  });
  if (access.dockerSocket === true && !socketMounted) {
    err(['hostAccess', 'dockerSocket'], 'is declared but no volume mounts /var/run/docker.sock');
  }

  // Environment.
  const env: AppEnvVar[] = [];
  const envSeen = new Map<string, number>();
  (input.env ?? []).forEach((e, i) => {
    const at = ['env', i];
    if (envSeen.has(e.name)) return err([...at, 'name'], `${e.name} is already defined by env.${envSeen.get(e.name)}`);
    envSeen.set(e.name, i);
    const before = errors.length;
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
    if (errors.length > before) return;
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
    image: input.image,
    ports,
    volumes,
    env,
    ...(healthcheck ? { healthcheck } : {}),
    requirements,
    restart: input.restart ?? 'unless-stopped',
    hostAccess,
    security: securityOf(hostAccess, volumes, input.adminOnly === true),
  };
  return { app: deepFreeze(app), errors, warnings };
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
