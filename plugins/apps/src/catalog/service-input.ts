import { z } from 'zod';
import { DEPENDS_CONDITIONS, RESTART_POLICIES, type DependsCondition } from './definition-types';
import { ENV_NAME, bindPath, duration, envInputSchema, envValue, imageReference, isPlainObject, line, portInputSchema, shorthand, strictObject, volumeString, type VolumeInput } from './input-parts';

/*
 * The input schema of a multi-service app's `services:`, `settings:` and `namedVolumes:` (see
 * docs/catalog-format.md, "Multi-service apps"). Shapes only: which service or setting a value
 * names, and every other rule across fields, is checked by normalize-services.ts.
 */

/** Compose service and volume names Tomo accepts: lowercase, so they read the same in every Docker listing. */
export const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const NAME_RULE = 'must be lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters';

export const MAX_SERVICES = 16;

/** A mount as written in a service: the single-container forms, plus `volume:` for a declared named volume. */
export interface ServiceVolumeInput extends VolumeInput {
  volume?: string;
}

const serviceVolumeInput = shorthand<ServiceVolumeInput, ServiceVolumeInput>({
  string: volumeString,
  object: strictObject({
    host: bindPath.optional(),
    volume: z.string('must be a volume name').regex(SERVICE_NAME, NAME_RULE).optional(),
    container: bindPath,
    readOnly: z.boolean('must be true or false').optional(),
    description: line(200).optional(),
  }),
  expected: 'a volume like "data:/config", or an object with host: or volume:, container:, readOnly:',
});

/** One argument of a command or a healthcheck test: any text without NUL (an argument vector cannot hold one). */
const argument = z.string('must be text (quote numbers)').max(4096, 'must be at most 4096 characters').regex(/^[^\0]*$/, 'must not contain NUL characters');

/** A service's env, written `NAME: value` (a mapping, as in Compose) or as a list of `NAME=value`. */
const serviceEnvInput = z.unknown().transform((value, ctx): Array<{ name: string; value: string; at: string | number }> => {
  const out: Array<{ name: string; value: string; at: string | number }> = [];
  const add = (name: string, raw: unknown, at: Array<string | number>) => {
    if (!ENV_NAME.test(name) || name.length > 128) {
      ctx.addIssue({ code: 'custom', message: 'must be a variable name: letters, digits and "_", not starting with a digit', path: at });
      return;
    }
    const v = envValue.safeParse(raw);
    if (!v.success) ctx.addIssue({ code: 'custom', message: v.error.issues[0].message, path: at });
    // `at`: where the variable is written (its name in a mapping, its index in a list), for messages.
    else out.push({ name, value: v.data, at: at[0] });
  };
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length > 200) ctx.addIssue({ code: 'custom', message: 'must list at most 200 variables' });
    for (const [name, raw] of entries) add(name, raw, [name]);
  } else if (Array.isArray(value)) {
    if (value.length > 200) ctx.addIssue({ code: 'custom', message: 'must list at most 200 variables' });
    value.forEach((item, i) => {
      const eq = typeof item === 'string' ? item.indexOf('=') : -1;
      if (eq < 0) ctx.addIssue({ code: 'custom', message: 'must be "NAME=value"', path: [i] });
      else add((item as string).slice(0, eq), (item as string).slice(eq + 1), [i]);
    });
  } else {
    ctx.addIssue({ code: 'custom', message: 'must be a mapping of NAME: value (or a list of "NAME=value")' });
  }
  return out;
});

const healthcheckTest = z.union([z.string(), z.array(z.unknown())], 'must be a shell line, or a list starting with CMD or CMD-SHELL').transform((v, ctx): string[] => {
  if (typeof v === 'string') {
    const one = argument.min(1, 'must not be empty').safeParse(v);
    if (!one.success) ctx.addIssue({ code: 'custom', message: one.error.issues[0].message });
    return ['CMD-SHELL', v];
  }
  const [kind, ...rest] = v;
  const args = z.array(argument).safeParse(rest);
  if (kind !== 'CMD' && kind !== 'CMD-SHELL') ctx.addIssue({ code: 'custom', message: 'must start with "CMD" (an argument vector) or "CMD-SHELL" (one shell line)', path: [0] });
  else if (!args.success) ctx.addIssue({ code: 'custom', message: args.error.issues[0].message, path: [1 + Number(args.error.issues[0].path[0] ?? 0)] });
  else if (kind === 'CMD' && rest.length === 0) ctx.addIssue({ code: 'custom', message: 'CMD needs the command to run' });
  else if (kind === 'CMD-SHELL' && rest.length !== 1) ctx.addIssue({ code: 'custom', message: 'CMD-SHELL takes exactly one shell line' });
  else return [kind, ...(rest as string[])];
  return z.NEVER;
});

const serviceHealthcheckInput = strictObject({
  test: healthcheckTest,
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: z.number('must be a whole number').int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').optional(),
  startPeriod: duration.optional(),
});

const condition = z.enum(DEPENDS_CONDITIONS, `must be one of: ${DEPENDS_CONDITIONS.join(', ')}`);

/** `[db, cache]` (each: service_started) or `{db: {condition: service_healthy}}`, as in Compose. */
const dependsOnInput = z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())], 'must be a list of service names or a mapping of service: {condition: ...}').transform(
  (v, ctx): Array<{ service: string; condition: DependsCondition }> => {
    if (Array.isArray(v)) {
      return v.flatMap((name, i) => {
        if (typeof name === 'string') return [{ service: name, condition: 'service_started' as const }];
        ctx.addIssue({ code: 'custom', message: 'must be a service name', path: [i] });
        return [];
      });
    }
    return Object.entries(v).flatMap(([service, spec]) => {
      const parsed = strictObject({ condition }).safeParse(spec);
      if (parsed.success) return [{ service, condition: parsed.data.condition }];
      const issue = parsed.error.issues[0];
      ctx.addIssue({ code: 'custom', message: issue.code === 'unrecognized_keys' ? `unknown key "${issue.keys[0]}"; allowed keys: condition` : issue.message, path: [service, ...(issue.path as Array<string | number>)] });
      return [];
    });
  },
);

export const serviceInputSchema = strictObject({
  image: imageReference,
  command: z.array(argument, 'must be a list of arguments (an argument vector, not a shell line)').min(1, 'must list at least one argument').max(64, 'must list at most 64 arguments').optional(),
  ports: z.array(portInputSchema, 'must be a list').max(64, 'must list at most 64 ports').optional(),
  volumes: z.array(serviceVolumeInput, 'must be a list').max(64, 'must list at most 64 volumes').optional(),
  env: serviceEnvInput.optional(),
  healthcheck: serviceHealthcheckInput.optional(),
  dependsOn: dependsOnInput.optional(),
  restart: z.enum(RESTART_POLICIES, `must be one of: ${RESTART_POLICIES.join(', ')}`).optional(),
  privileged: z.boolean('must be true or false').optional(),
  hostNetwork: z.boolean('must be true or false').optional(),
  capabilities: z.array(z.string('must be a capability name'), 'must be a list of capability names').max(64, 'lists too many capabilities').optional(),
});

export type ServiceInput = z.output<typeof serviceInputSchema>;

/** `services:`: service name → service, in the order written. */
export const servicesInputSchema = z
  .record(z.string(), serviceInputSchema, 'must be a mapping of service name: service')
  .superRefine((services, ctx) => {
    const names = Object.keys(services);
    if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'must declare at least one service' });
    if (names.length > MAX_SERVICES) ctx.addIssue({ code: 'custom', message: `must declare at most ${MAX_SERVICES} services` });
    for (const name of names) if (!SERVICE_NAME.test(name)) ctx.addIssue({ code: 'custom', message: `service name ${NAME_RULE}`, path: [name] });
  });

/** `settings:` of a multi-service app: the single-container format's env entries, which services use as `{{NAME}}`. */
export const settingsInputSchema = z.array(envInputSchema, 'must be a list').max(200, 'must list at most 200 settings');

export const namedVolumesInputSchema = z
  .array(
    shorthand<{ name: string; description?: string }, { name: string; description?: string }>({
      string: z.string().regex(SERVICE_NAME, NAME_RULE).transform((name) => ({ name })),
      object: strictObject({ name: z.string('must be a volume name').regex(SERVICE_NAME, NAME_RULE), description: line(200).optional() }),
      expected: 'a volume name, or an object with name: and description:',
    }),
    'must be a list',
  )
  .max(32, 'must list at most 32 volumes');
