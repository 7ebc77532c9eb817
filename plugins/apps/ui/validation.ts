/**
 * The install wizard's checks, done in the browser for quick feedback before the server's
 * preflight (which has the last word: port already taken on the server, app rules, roles).
 * Field keys are those of the preflight's errors, `ports.<container>/<protocol>` and
 * `settings.<NAME>`, so both kinds of message land under the same field.
 */
import type { AppEnvVar } from './api';

/** One declared port as the wizard edits it. */
export interface PortChoice {
  /** `"<container>/<protocol>"`, the key of `InstallRequest.ports`. */
  key: string;
  container: number;
  protocol: 'tcp' | 'udp';
  description?: string;
  /** The app works without it: it may be left unpublished. */
  optional: boolean;
  /** The host port as typed. */
  host: string;
  /** False leaves an optional port unpublished. */
  publish: boolean;
  /** Host networking: the host port is the container port and cannot change. */
  fixed: boolean;
}

/** The error key of a port field. */
export const portField = (key: string): string => `ports.${key}`;
/** The error key of a setting field. */
export const settingField = (name: string): string => `settings.${name}`;

/** A whole number 1–65535, as typed. */
export function checkHostPort(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'Enter a host port';
  if (!/^\d+$/.test(value)) return 'Use a whole number from 1 to 65535';
  const port = Number(value);
  if (port < 1 || port > 65535) return 'Use a port from 1 to 65535';
  return undefined;
}

/**
 * Every published port's problem, by field key. Two ports may share a host port number only with
 * different protocols (DNS publishes 53/tcp and 53/udp), so duplicates are per protocol.
 */
export function checkPorts(ports: readonly PortChoice[]): Record<string, string> {
  const found: Record<string, string> = {};
  const seen = new Map<string, PortChoice>();
  for (const port of ports) {
    if (!port.publish) continue;
    const problem = checkHostPort(port.host);
    if (problem) {
      found[portField(port.key)] = problem;
      continue;
    }
    const taken = `${Number(port.host.trim())}/${port.protocol}`;
    const first = seen.get(taken);
    if (first) found[portField(port.key)] = `Host port ${taken} is already used for container port ${first.container}/${first.protocol}`;
    else seen.set(taken, port);
  }
  return found;
}

/** A setting's problem: a required one needs a value, a choice must be one of its options. */
export function checkSetting(env: AppEnvVar, value: string): string | undefined {
  const blank = value.trim() === '';
  // A generated value is filled in by the installer; a required one never is.
  if (env.required && blank && !env.generate) return `Enter ${env.label === env.name ? 'a value' : env.label}`;
  if (!blank && env.options && !env.options.some((o) => o.value === value)) return 'Choose one of the listed values';
  return undefined;
}

/** Every setting's problem, by field key. */
export function checkSettings(env: readonly AppEnvVar[], values: Readonly<Record<string, string>>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const variable of env) {
    const problem = checkSetting(variable, values[variable.name] ?? '');
    if (problem) found[settingField(variable.name)] = problem;
  }
  return found;
}
