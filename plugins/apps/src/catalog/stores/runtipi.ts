import fs from 'node:fs';
import path from 'node:path';
import { ENV_NAME } from '../input-parts';
import type { CatalogIssue } from '../issues';
import type { ComposeAppInput, ImportedSetting, Refusal, StoreInfo, VariableMapping } from './store-types';
import type { StoreReader } from './store-source';
import { readStoreYaml } from './store-yaml';
import { runtipiJsonToCompose } from './runtipi-compose-json';
import { isPlainObject, portNumber, publishPort, text, variablesIn } from './store-reading';

/*
 * A Runtipi app store, as Runtipi publishes one (runtipi.io: "config.json options" and "Dynamic
 * compose"): `apps/<id>/config.json` (name, port, categories, descriptions, `form_fields`...),
 * `apps/<id>/docker-compose.yml` (Compose with `x-runtipi` marking the main service and its port)
 * or the older `docker-compose.json`, `apps/<id>/metadata/description.md` and `logo.jpg`.
 *
 * This file reads those into the shared converter's input (compose-import.ts): the form fields
 * become settings, Runtipi's variables are mapped onto what Tomo has (or marked unmappable with the
 * reason), the main service gets its port. What Tomo cannot honour is listed per field.
 */

/** The form field types Runtipi documents. */
const FIELD_TYPES = new Set(['text', 'password', 'email', 'number', 'fqdn', 'ip', 'fqdnip', 'url', 'random', 'boolean']);

/** What a value of a type that Tomo does not check should look like (said in the setting's help text). */
const FORMAT_HINTS: Record<string, string> = {
  email: 'an email address',
  number: 'a number',
  fqdn: 'a domain name',
  ip: 'an IP address',
  fqdnip: 'a domain name or an IP address',
  url: 'a URL',
};

/** Variables Runtipi sets for every app that Tomo has no equivalent for, with the reason. */
const UNMAPPABLE: Record<string, string> = {
  APP_DOMAIN: "the domain Runtipi's reverse proxy serves the app on: Tomo publishes a port and has no domain per app",
  APP_HOST: "the host name Runtipi's reverse proxy serves the app on: Tomo publishes a port and has no domain per app",
  APP_PROTOCOL: "http or https depending on Runtipi's reverse proxy: Tomo publishes a port and has no reverse proxy",
  APP_EXPOSED: "whether Runtipi exposes the app on a domain: Tomo has no domain per app",
  LOCAL_DOMAIN: "Runtipi's local domain (.tipi.lan): Tomo has no local domain",
  DOMAIN: "Runtipi's domain: Tomo has no domain per app",
  ROOT_FOLDER_HOST: "Runtipi's installation folder on the host: Tomo has none",
  RUNTIPI_MEDIA_DIR: "Runtipi's shared media folder: Tomo has no folder shared between apps",
  STORAGE_PATH: "Runtipi's shared storage folder: Tomo has no folder shared between apps",
  INTERNAL_IP: "the server's address as Runtipi knows it: Tomo has no such variable",
  DNS_IP: "Runtipi's DNS server setting: Tomo has no such variable",
  NETWORK_INTERFACE: "Runtipi's network interface setting: Tomo has no such variable",
  VAPID_PUBLIC_KEY: 'a Web Push key pair Runtipi generates (generate_vapid_keys): Tomo cannot generate key pairs',
  VAPID_PRIVATE_KEY: 'a Web Push key pair Runtipi generates (generate_vapid_keys): Tomo cannot generate key pairs',
};

/** The files of an app folder the reader uses (the source reads them; a missing one is undefined). */
const FILES = ['config.json', 'docker-compose.yml', 'docker-compose.json', 'metadata/description.md'] as const;

type Files = Readonly<Record<string, string | undefined>>;
type Refuse = (field: string, reason: string) => void;

/** Runtipi's store format: one folder per app under `apps/`. */
export const runtipiReader: StoreReader = {
  format: 'runtipi',
  appsFolder: 'apps',
  files: FILES,
  read: ({ store, appId, dir, files }) => readRuntipiApp(store, appId, dir, files),
};

/** Reads one app folder into the converter's input. Never throws. */
export function readRuntipiApp(store: StoreInfo, appId: string, dir: string, files: Files): ReturnType<StoreReader['read']> {
  const configFile = path.join(dir, 'config.json');
  const issue = (field: string, message: string): CatalogIssue => ({ file: configFile, field, message });
  const source = files['config.json'];
  // Runtipi's repository keeps test helpers next to the apps (e.g. __tests__): not apps.
  if (source === undefined) return { skipped: issue('', `${appId} is not an app folder: it has no config.json`) };
  let config: unknown;
  try {
    config = JSON.parse(source);
  } catch (err) {
    return { error: issue('', `config.json is not valid JSON: ${(err as Error).message}`) };
  }
  if (!isPlainObject(config)) return { error: issue('', 'config.json must be a JSON object') };
  const name = text(config.name);
  if (!name) return { error: issue('name', 'is required') };
  if (config.available === false) return { skipped: issue('available', `"${name}" is marked available: false by its store`) };

  const refusals: Refusal[] = [];
  const refuse: Refuse = (field, reason) => refusals.push({ appId, field, reason });
  if (config.id !== undefined && config.id !== appId) refuse('id', `"${String(config.id)}" differs from the folder name: the app is imported as "${appId}"`);
  const port = portNumber(config.port);
  if (config.port !== undefined && port === undefined) refuse('port', 'must be a port number 1-65535: the main service is not published');

  const read = readCompose(dir, files, config, refuse);
  if ('error' in read) return read;
  const { compose, file: composeFile } = read;
  if (config.form_fields !== undefined && !Array.isArray(config.form_fields)) refuse('form_fields', 'must be a list: no settings are read');
  const settings = (Array.isArray(config.form_fields) ? config.form_fields : []).flatMap((f, i) => {
    const s = settingOf(f, i, refuse);
    return s ? [s] : [];
  });

  publishMainService(compose, port, refuse);
  dropRuntipiRouting(compose, refuse);

  // TZ is a variable Runtipi fills from its own settings: here it is a setting of the app, UTC unless changed.
  const used = variablesIn(compose);
  if (used.has('TZ') && !settings.some((s) => s.name === 'TZ')) settings.push({ name: 'TZ', label: 'Time zone', description: 'As Runtipi would set it from its own settings, e.g. Europe/Paris.', default: 'Etc/UTC' });
  const variables = variablesFor(used, settings, { appId, port });

  if (fs.existsSync(path.join(dir, 'metadata', 'logo.jpg'))) refuse('metadata/logo.jpg', "a file of the store: Tomo's icons are http(s) URLs, so the app is shown without its logo");
  if (config.generate_vapid_keys === true) refuse('generate_vapid_keys', 'Tomo cannot generate Web Push key pairs: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are not set');
  if (config.url_suffix !== undefined) refuse('url_suffix', `the app's page is at ${String(config.url_suffix)} under its published port`);
  const unavailable = config.force_expose === true ? "it must be served on a domain by Runtipi's reverse proxy (force_expose): Tomo publishes ports and has no domain per app" : undefined;

  const description = files['metadata/description.md']?.trim() || text(config.description);
  const website = [config.website, config.source].map(text).find((u) => u !== undefined && /^https?:\/\//i.test(u));
  const version = typeof config.version === 'number' ? String(config.version) : text(config.version);
  const categories = (Array.isArray(config.categories) ? config.categories : []).filter((c): c is string => typeof c === 'string');
  const architectures = (Array.isArray(config.supported_architectures) ? config.supported_architectures : []).filter((a): a is string => typeof a === 'string');
  const input: ComposeAppInput = {
    store,
    appId,
    file: composeFile,
    compose,
    meta: {
      name,
      ...(version ? { version } : {}),
      ...(description ? { description } : {}),
      ...(text(config.short_desc) ? { tagline: text(config.short_desc) } : {}),
      ...(website ? { website } : {}),
      categories,
      ...(architectures.length ? { architectures } : {}),
    },
    settings,
    variables,
    ...(refusals.length ? { refusals } : {}),
    ...(unavailable ? { unavailable } : {}),
  };
  return { input };
}

/** docker-compose.yml (Compose with x-runtipi), or docker-compose.json (the older dynamic format) when config.json asks for it or there is no YAML file. */
function readCompose(dir: string, files: Files, config: Record<string, unknown>, refuse: Refuse): { compose: Record<string, unknown>; file: string } | { error: CatalogIssue } {
  const yamlFile = path.join(dir, 'docker-compose.yml');
  const jsonFile = path.join(dir, 'docker-compose.json');
  let parsedYaml: Record<string, unknown> | undefined;
  if (files['docker-compose.yml'] !== undefined) {
    const read = readStoreYaml(files['docker-compose.yml'], yamlFile);
    if ('error' in read) return read;
    parsedYaml = read.value;
  }
  // The Compose file with x-runtipi is the current format; docker-compose.json is read when it is the one Runtipi would use.
  const yamlIsDynamic = parsedYaml !== undefined && parsedYaml['x-runtipi'] !== undefined;
  const json = files['docker-compose.json'];
  if (!yamlIsDynamic && json !== undefined && (config.dynamic_config === true || parsedYaml === undefined)) {
    try {
      return { compose: runtipiJsonToCompose(JSON.parse(json), refuse), file: jsonFile };
    } catch (err) {
      return { error: { file: jsonFile, field: '', message: err instanceof SyntaxError ? `not valid JSON: ${err.message}` : (err as Error).message } };
    }
  }
  if (parsedYaml === undefined) return { error: { file: path.join(dir, 'config.json'), field: '', message: 'the app has neither docker-compose.yml nor docker-compose.json' } };
  return { compose: structuredClone(parsedYaml), file: yamlFile };
}

/** Publishes config.json's `port` on the service `x-runtipi` marks as main (its `internal_port`), as Runtipi does, and drops the x-runtipi keys. */
function publishMainService(compose: Record<string, unknown>, port: number | undefined, refuse: Refuse): void {
  const top = compose['x-runtipi'];
  if (isPlainObject(top) && top.overrides !== undefined) refuse('docker-compose.x-runtipi.overrides', 'architecture-specific overrides are not applied: every architecture gets the services as written');
  delete compose['x-runtipi'];
  const services = isPlainObject(compose.services) ? compose.services : {};
  for (const [name, service] of Object.entries(services)) {
    if (!isPlainObject(service)) continue;
    const meta = service['x-runtipi'];
    delete service['x-runtipi'];
    if (!isPlainObject(meta)) continue;
    if (meta.add_to_main_network === true) refuse(`services.${name}.x-runtipi.add_to_main_network`, "other apps cannot reach this service by name: each Tomo app has a network of its own");
    if (meta.is_main !== true) continue;
    const internal = portNumber(meta.internal_port);
    if (internal === undefined) refuse(`services.${name}.x-runtipi.internal_port`, 'must be a port number: the main service is not published');
    // An app that also writes the mapping itself ("${APP_PORT}:80") keeps it as written.
    else if (port !== undefined && service.network_mode !== 'host' && !variablesIn(service.ports).has('APP_PORT')) publishPort(service, port, internal);
  }
}

/** Runtipi's own routing (Traefik labels, its shared network) has no meaning without Runtipi: dropped, and said so once. */
function dropRuntipiRouting(compose: Record<string, unknown>, refuse: Refuse): void {
  const services = isPlainObject(compose.services) ? compose.services : {};
  for (const [name, service] of Object.entries(services)) {
    if (!isPlainObject(service)) continue;
    if (isPlainObject(service.labels) || Array.isArray(service.labels)) {
      const isRouting = (label: string) => /^(traefik|runtipi)\./.test(label);
      const kept = Array.isArray(service.labels)
        ? (service.labels as unknown[]).filter((l) => !(typeof l === 'string' && isRouting(l.split('=')[0])))
        : Object.fromEntries(Object.entries(service.labels as Record<string, unknown>).filter(([k]) => !isRouting(k)));
      const dropped = Array.isArray(kept) ? (service.labels as unknown[]).length - kept.length : Object.keys(service.labels as object).length - Object.keys(kept).length;
      if (dropped > 0) refuse(`services.${name}.labels`, `${dropped} label(s) for Runtipi's reverse proxy (traefik.*, runtipi.*) dropped: Tomo publishes the app's port instead`);
      if ((Array.isArray(kept) ? kept.length : Object.keys(kept).length) === 0) delete service.labels;
      else service.labels = kept;
    }
    const nets = service.networks;
    if (Array.isArray(nets) && nets.includes('tipi_main_network')) {
      const rest = nets.filter((n) => n !== 'tipi_main_network');
      if (rest.length === 0) delete service.networks;
      else service.networks = rest;
      refuse(`services.${name}.networks.tipi_main_network`, "Runtipi's shared network is not joined: each Tomo app has a network of its own");
    } else if (isPlainObject(nets) && 'tipi_main_network' in nets) {
      delete nets.tipi_main_network;
      if (Object.keys(nets).length === 0) delete service.networks;
      refuse(`services.${name}.networks.tipi_main_network`, "Runtipi's shared network is not joined: each Tomo app has a network of its own");
    }
  }
  if (isPlainObject(compose.networks)) {
    delete compose.networks.tipi_main_network;
    if (Object.keys(compose.networks).length === 0) delete compose.networks;
  }
}

/** One form field → one setting, or undefined (with the reason) when it cannot be one. */
function settingOf(field: unknown, i: number, refuse: Refuse): ImportedSetting | undefined {
  const at = `form_fields.${i}`;
  if (!isPlainObject(field)) {
    refuse(at, 'must be an object: not read');
    return undefined;
  }
  const name = text(field.env_variable);
  if (!name || !ENV_NAME.test(name)) {
    refuse(`${at}.env_variable`, 'must be a variable name (letters, digits and "_"): the field is not read');
    return undefined;
  }
  const type = text(field.type) ?? 'text';
  if (!FIELD_TYPES.has(type)) refuse(`${at}.type`, `"${type}" is not a Runtipi field type Tomo knows: asked for as text`);
  const label = (text(field.label) ?? name).slice(0, 100);
  const help: string[] = [];
  const hint = text(field.hint);
  if (hint) help.push(hint);
  if (FORMAT_HINTS[type]) {
    help.push(`Expected: ${FORMAT_HINTS[type]}.`);
    refuse(`${at}.type`, `${type}: Tomo does not check that the value is ${FORMAT_HINTS[type]} (the help text says so)`);
  }

  if (type === 'random') {
    // A value nobody types: Tomo's generated secrets (24 URL-safe characters, or 64 hex digits).
    const generate = field.encoding === 'hex' ? 'hex' : 'password';
    const length = typeof field.min === 'number' ? field.min : undefined;
    const tomoLength = generate === 'hex' ? 64 : 24;
    if (length !== undefined && length > tomoLength) refuse(`${at}.min`, `a ${length}-character random value: Tomo generates ${tomoLength} characters (${generate})`);
    if (field.encoding !== undefined && field.encoding !== 'hex') refuse(`${at}.encoding`, `"${String(field.encoding)}": Tomo generates URL-safe random characters instead`);
    return { name, label, ...(help.length ? { description: help.join(' ') } : {}), generate };
  }

  const setting: ImportedSetting = { name, label };
  if (type === 'password') setting.secret = true;
  if (type === 'boolean') {
    setting.options = [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }];
    setting.default = field.default === true || field.default === 'true' ? 'true' : 'false';
  } else {
    if (Array.isArray(field.options)) {
      setting.options = field.options.filter(isPlainObject).map((o) => ({ value: String(o.value ?? ''), label: String(o.label ?? o.value ?? '').slice(0, 100) }));
    }
    if (field.default !== undefined && field.default !== null && field.default !== '') setting.default = String(field.default);
  }
  const required = field.required === true;
  if (required && setting.default === undefined) setting.required = true;
  else if (required) refuse(`${at}.required`, 'required with a default: Tomo uses the default when the field is left empty');

  const range = rangeText(type, field.min, field.max);
  if (range) {
    help.push(range);
    refuse(`${at}.${field.min !== undefined ? 'min' : 'max'}`, `${range.replace(/\.$/, '')}: Tomo does not check it (the help text says so)`);
  }
  const regex = text(field.regex);
  if (regex) {
    const rule = text(field.pattern_error) ?? `must match ${regex}`;
    help.push(`${rule[0].toUpperCase()}${rule.slice(1)}${/[.!?]$/.test(rule) ? '' : '.'}`);
    refuse(`${at}.regex`, `${regex}: Tomo does not check values against a pattern (the help text says what is expected)`);
  }
  if (help.length) setting.description = help.join(' ').slice(0, 1000);
  return setting;
}

function rangeText(type: string, min: unknown, max: unknown): string | undefined {
  const lo = typeof min === 'number' ? min : undefined;
  const hi = typeof max === 'number' ? max : undefined;
  if (lo === undefined && hi === undefined) return undefined;
  const what = type === 'number' ? 'A number' : 'Length';
  if (lo !== undefined && hi !== undefined) return `${what} from ${lo} to ${hi}.`;
  return lo !== undefined ? `${what} of at least ${lo}.` : `${what} of at most ${hi}.`;
}

/** Every variable the Compose file uses → a form field's setting, Tomo's equivalent, or unmappable with the reason. */
function variablesFor(used: Set<string>, settings: ReadonlyArray<ImportedSetting>, app: { appId: string; port?: number }): Record<string, VariableMapping> {
  const variables: Record<string, VariableMapping> = {};
  for (const name of used) {
    if (settings.some((s) => s.name === name)) variables[name] = { kind: 'setting', key: name };
    else if (name === 'APP_DATA_DIR') variables[name] = { kind: 'appDataDir' };
    else if (name === 'APP_ID') variables[name] = { kind: 'literal', value: app.appId };
    else if (name === 'APP_PORT' && app.port !== undefined) variables[name] = { kind: 'literal', value: String(app.port) };
    else if (name === 'APP_PORT') variables[name] = { kind: 'unmappable', reason: 'config.json gives no valid port' };
    else if (UNMAPPABLE[name]) variables[name] = { kind: 'unmappable', reason: UNMAPPABLE[name] };
    else variables[name] = { kind: 'unmappable', reason: 'neither a form field of config.json nor a variable Runtipi provides' };
  }
  return variables;
}
