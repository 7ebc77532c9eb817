import { z } from 'zod';
import { parseImageReference } from './image-reference';
import { ALLOWED_KEYS_PREFIX, problemsFromZod } from './issues';
import { GENERATE_KINDS, PROTOCOLS, ARCHITECTURES, LINUX_CAPABILITIES } from './definition-types';
import type { GenerateKind, Protocol, AppEnvOption } from './definition-types';

/*
 * The building blocks of the definition format's input schemas (docs/catalog-format.md): text,
 * ports, volumes, env entries, host access, healthcheck and requirements as an author writes them.
 * The top level of a file (definition-schema.ts) and a service of a multi-service app
 * (service-input.ts) are both made of these.
 */

/** Text on one line: no control characters, no bidi overrides (a name must read as it is). */
export const SINGLE_LINE = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;
/** Text that may span lines (description, notes): tabs and line breaks allowed, other control characters not. */
export const MULTI_LINE = /^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|[\t\n\r])*$/u;
export const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A strict object whose unknown-key message lists the allowed keys. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = `${ALLOWED_KEYS_PREFIX}${Object.keys(shape).join(', ')}`;
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? allowed : undefined) });
}

export const line = (max: number) =>
  z
    .string('must be text')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(SINGLE_LINE, 'must be one line without control characters');
export const paragraph = (max: number) =>
  z
    .string('must be text')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(MULTI_LINE, 'must not contain control characters');
export const slug = (what: string) =>
  z
    .string('must be text')
    .max(64, 'must be at most 64 characters')
    .regex(KEBAB, `must be ${what} in kebab-case: lowercase letters and digits separated by single "-"`);
export const url = z
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
export const portNumber = z
  .number('must be a port number')
  .int('must be a whole number')
  .min(1, 'must be 1 to 65535')
  .max(65535, 'must be 1 to 65535');
export const protocol = z.enum(PROTOCOLS, 'must be "tcp" or "udp"');
/** Seconds as a number, or "30s" / "2m". */
export const duration = z.union([z.number(), z.string()], 'must be seconds (a number) or a duration like "30s" or "2m"').transform((v, ctx) => {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v;
  } else {
    const m = /^(\d+(?:\.\d+)?)\s*(s|m)$/.exec(v.trim());
    if (m) return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  }
  ctx.addIssue({ code: 'custom', message: 'must be seconds (a number above 0) or a duration like "30s" or "2m"' });
  return z.NEVER;
});

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A list entry with a string shorthand and an object form: dispatches on the type of the value so
 * the errors are those of the form the author used (not a union's "invalid input").
 */
export function shorthand<S, O>(forms: { string: z.ZodType<S>; object: z.ZodType<O>; expected: string }) {
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

export const portString = z.string().transform((v, ctx): PortInput => {
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

export const portObject = strictObject({
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

export const volumeString = z.string().transform((v, ctx): VolumeInput => {
  const parts = v.split(':');
  if (parts.length === 1) return { container: parts[0] };
  if (parts.length === 2) return { host: parts[0], container: parts[1] };
  if (parts.length === 3 && (parts[2] === 'ro' || parts[2] === 'rw')) return { host: parts[0], container: parts[1], readOnly: parts[2] === 'ro' };
  ctx.addIssue({ code: 'custom', message: 'must be "HOST:CONTAINER", "HOST:CONTAINER:ro" (or ":rw") or just "CONTAINER"' });
  return z.NEVER;
});

/** Docker's bind syntax (`host:container:mode`) cannot hold a colon in either path: it would change the mount. */
export const bindPath = z.string('must be a path').max(1024, 'must be at most 1024 characters').refine((p) => !p.includes(':'), 'must not contain ":" (Docker bind syntax)');

export const volumeObject = strictObject({
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

export const envName = z
  .string('must be a variable name')
  .max(128, 'must be at most 128 characters')
  .regex(ENV_NAME, 'must be a variable name: letters, digits and "_", not starting with a digit');
export const envValue = z
  .union([z.string(), z.number(), z.boolean()], 'must be text, a number or true/false')
  .transform((v) => String(v))
  .pipe(z.string().max(4096, 'must be at most 4096 characters').regex(/^[^\0]*$/, 'must not contain NUL characters'));
export const envOption = shorthand<AppEnvOption, AppEnvOption>({
  string: envValue.transform((value) => ({ value, label: value })),
  object: strictObject({ value: envValue, label: line(100).optional() }).transform((o) => ({ value: o.value, label: o.label ?? o.value })),
  expected: 'a value or an object with value: and label:',
});

export const envObject = strictObject({
  name: envName,
  label: line(100).optional(),
  description: paragraph(1000).optional(),
  default: envValue.optional(),
  required: z.boolean('must be true or false').optional(),
  secret: z.boolean('must be true or false').optional(),
  generate: z.enum(GENERATE_KINDS, `must be one of: ${GENERATE_KINDS.join(', ')}`).optional(),
  options: z.array(envOption, 'must be a list of values').min(1, 'must list at least one value').max(100, 'must list at most 100 values').optional(),
});

export const envString = z.string().transform((v, ctx): EnvInput => {
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
export const envMapping = z.record(z.string(), z.unknown()).transform((o, ctx): EnvInput => {
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

export const reason = line(300);

export const capabilityInput = shorthand<{ name: string; optional?: boolean; reason?: string }, { name: string; optional?: boolean; reason?: string }>({
  string: z.string().transform((name) => ({ name })),
  object: strictObject({ name: z.string('must be a capability name'), optional: z.boolean('must be true or false').optional(), reason: reason.optional() }),
  expected: 'a capability name like NET_ADMIN, or an object with name:, optional:, reason:',
});

export const hostPathInput = shorthand<{ path: string; reason?: string }, { path: string; reason?: string }>({
  string: z.string().transform((p) => ({ path: p })),
  object: strictObject({ path: z.string('must be a path'), reason: reason.optional() }),
  expected: 'an absolute path, or an object with path: and reason:',
});

export const hostAccessInput = strictObject({
  privileged: z.boolean('must be true or false').optional(),
  hostNetwork: z.boolean('must be true or false').optional(),
  dockerSocket: z.boolean('must be true or false').optional(),
  capabilities: z.array(capabilityInput, 'must be a list').max(LINUX_CAPABILITIES.length, 'lists too many capabilities').optional(),
  hostPaths: z.array(hostPathInput, 'must be a list').max(32, 'must list at most 32 paths').optional(),
  reason: reason.optional(),
});

export const healthcheckInput = strictObject({
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

export const memory = z.union([z.number(), z.string()], 'must be a size like "512M" or "2G"').transform((v, ctx) => {
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

export const requirementsInput = strictObject({
  memory: memory.optional(),
  architectures: z
    // `386` unquoted is a YAML number: accept it as the architecture.
    .array(z.preprocess((v) => (v === 386 ? '386' : v), z.enum(ARCHITECTURES, `must be one of: ${ARCHITECTURES.join(', ')}`)), 'must be a list')
    .min(1, 'must list at least one architecture')
    .max(ARCHITECTURES.length, 'lists too many architectures')
    .optional(),
});

export const textVersion = z
  .string('must be text: quote it ("1.10") so YAML does not read it as a number')
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'must be letters, digits, ".", "_", "+" and "-"');

/** A Docker image reference, validated against the reference grammar. */
export const imageReference = z.string('is required and must be an image reference like "nginx:1.27"').superRefine((v, ctx) => {
  const r = parseImageReference(v);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
});
