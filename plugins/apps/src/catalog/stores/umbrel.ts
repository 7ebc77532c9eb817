import fs from 'node:fs';
import path from 'node:path';
import type { CatalogIssue } from '../issues';
import type { ComposeAppInput, ImportedSetting, Refusal, StoreInfo, VariableMapping } from './store-types';
import type { StoreReader } from './store-source';
import { readStoreYaml } from './store-yaml';
import { environmentOf, isPlainObject, portNumber, publishPort, text, variablesIn } from './store-reading';

/*
 * An Umbrel app store (the official umbrel-apps repository or a community store), as Umbrel
 * publishes one: `<app-id>/umbrel-app.yml` (manifestVersion, id, name, category, version, tagline,
 * description, website, port, dependencies, default credentials...) and `<app-id>/docker-compose.yml`,
 * whose `app_proxy` service is Umbrel's own proxy in front of the app; a community store also has
 * `umbrel-app-store.yml` (its id and name).
 *
 * This file reads those into the shared converter's input (compose-import.ts). Tomo does not run
 * Umbrel's proxy: `app_proxy` is left out, and the service and port its APP_HOST / APP_PORT name
 * are published on the manifest's `port` instead. `$APP_PASSWORD` and `$APP_SEED` (which Umbrel
 * derives from the device's secret) become settings Tomo generates; Umbrel's other variables have no
 * equivalent, so an app that uses them is unavailable, with the reason, as is one that depends on
 * other Umbrel apps.
 */

export const UMBREL_PROXY_SERVICE = 'app_proxy';

/** Variables Umbrel sets that Tomo has no equivalent for, with the reason. */
const UNMAPPABLE: Record<string, string> = {
  DEVICE_HOSTNAME: "the Umbrel device's host name: Tomo has no such variable",
  DEVICE_DOMAIN_NAME: "the Umbrel device's .local name: Tomo has no such variable",
  UMBREL_ROOT: "Umbrel's installation folder: Tomo has none",
  TOR_DATA_DIR: 'Umbrel runs Tor for its apps: Tomo does not',
  TOR_PROXY_IP: 'Umbrel runs Tor for its apps: Tomo does not',
  TOR_PROXY_PORT: 'Umbrel runs Tor for its apps: Tomo does not',
  APP_HIDDEN_SERVICE: "the app's Tor address from Umbrel: Tomo does not run Tor",
  APP_DOMAIN: "the app's address from Umbrel: Tomo has no such variable",
};

type Refuse = (field: string, reason: string) => void;

/** Umbrel's store format: one folder per app at the top of the store. */
export const umbrelReader: StoreReader = {
  format: 'umbrel',
  appsFolder: '',
  files: ['umbrel-app.yml', 'docker-compose.yml'],
  storeName: umbrelStoreName,
  read: ({ store, appId, dir, files }) => readUmbrelApp(store, appId, dir, files),
};

/** A community store's name, from its `umbrel-app-store.yml` (`id`, `name`); undefined for the official store, which has none. */
export function umbrelStoreName(dir: string): string | undefined {
  const file = path.join(dir, 'umbrel-app-store.yml');
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (source.length > 64 * 1024) return undefined;
  const read = readStoreYaml(source, file);
  const name = 'value' in read ? text(read.value.name) : undefined;
  return name?.replace(/\s+/g, ' ').slice(0, 100);
}

/** Reads one app folder into the converter's input. Never throws. */
export function readUmbrelApp(store: StoreInfo, appId: string, dir: string, files: Readonly<Record<string, string | undefined>>): ReturnType<StoreReader['read']> {
  const manifestFile = path.join(dir, 'umbrel-app.yml');
  const composeFile = path.join(dir, 'docker-compose.yml');
  const issue = (field: string, message: string, file = manifestFile): CatalogIssue => ({ file, field, message });
  // A store's repository has other folders (e.g. a template for new apps without a manifest): not apps.
  if (files['umbrel-app.yml'] === undefined) return { skipped: issue('', `${appId} is not an app folder: it has no umbrel-app.yml`) };
  const read = readStoreYaml(files['umbrel-app.yml'], manifestFile);
  if ('error' in read) return read;
  const manifest = read.value;
  const version = manifest.manifestVersion;
  if (typeof version !== 'number' || version < 1 || version >= 2) return { error: issue('manifestVersion', `${JSON.stringify(version ?? null)} is not a manifest version Tomo reads (1 or 1.x)`) };
  const name = text(manifest.name);
  if (!name) return { error: issue('name', 'is required') };
  if (files['docker-compose.yml'] === undefined) return { error: issue('', 'docker-compose.yml is missing', composeFile) };
  const parsed = readStoreYaml(files['docker-compose.yml'], composeFile);
  if ('error' in parsed) return parsed;
  if (!isPlainObject(parsed.value.services)) return { error: issue('services', 'must be a mapping of services', composeFile) };
  const compose = structuredClone(parsed.value);

  const refusals: Refusal[] = [];
  const refuse: Refuse = (field, reason) => refusals.push({ appId, field, reason });
  if (manifest.id !== undefined && manifest.id !== appId) refuse('id', `"${String(manifest.id)}" differs from the folder name: the app is imported as "${appId}"`);
  const proxied = publishProxiedService(compose, appId, portNumber(manifest.port), refuse);

  const unavailable: string[] = [];
  const dependencies = (Array.isArray(manifest.dependencies) ? manifest.dependencies : []).filter((d): d is string => typeof d === 'string');
  if (dependencies.length > 0) unavailable.push(`it needs the Umbrel app${dependencies.length > 1 ? 's' : ''} ${dependencies.join(', ')}, which Tomo does not provide`);
  if (manifest.torOnly === true) unavailable.push('it is reachable only over Tor (torOnly), which Tomo does not run');

  // Only what the app's own services use counts: app_proxy is left out.
  const services = compose.services as Record<string, unknown>;
  const used = variablesIn(Object.fromEntries(Object.entries(services).filter(([n]) => n !== UMBREL_PROXY_SERVICE)));
  const settings: ImportedSetting[] = [];
  if (used.has('APP_PASSWORD')) {
    settings.push({ name: 'APP_PASSWORD', label: 'App password', description: 'Umbrel derives this password from the device; here, type one or leave it empty for a generated one.', generate: 'password' });
  }
  if (used.has('APP_SEED')) settings.push({ name: 'APP_SEED', label: 'App seed', description: 'A secret Umbrel derives from the device for this app; Tomo generates one.', generate: 'hex' });
  const variables = variablesFor(used, dependencies);

  const notes: string[] = [];
  const username = text(manifest.defaultUsername);
  const password = text(manifest.defaultPassword);
  if (username) notes.push(`Sign in as "${username}".`);
  if (manifest.deterministicPassword === true || password === '$APP_PASSWORD' || password === '${APP_PASSWORD}') {
    notes.push('The password is the App password setting: type your own at install, as a generated one is not shown again.');
    if (!settings.some((s) => s.name === 'APP_PASSWORD')) refuse('deterministicPassword', 'the Compose file does not use $APP_PASSWORD, so there is no password setting to sign in with');
  } else if (password) notes.push(`The default password is "${password}".`);
  const urlPath = text(manifest.path);
  if (urlPath && proxied) notes.push(`The app's page is ${urlPath} on its web port.`);
  if (Array.isArray(manifest.gallery) && manifest.gallery.length > 0) refuse('gallery', "file names on Umbrel's image server: Tomo shows no gallery");

  const website = [manifest.website, manifest.repo].map(text).find((u) => u !== undefined && /^https?:\/\//i.test(u));
  const icon = text(manifest.icon);
  const appVersion = typeof manifest.version === 'number' ? String(manifest.version) : text(manifest.version);
  const meta: ComposeAppInput['meta'] = {
    name,
    ...(appVersion ? { version: appVersion } : {}),
    ...(text(manifest.description) ? { description: text(manifest.description) } : {}),
    ...(text(manifest.tagline) ? { tagline: text(manifest.tagline) } : {}),
    ...(icon && /^https?:\/\//i.test(icon) ? { icon } : {}),
    ...(website ? { website } : {}),
    ...(notes.length ? { notes: notes.join(' ') } : {}),
    categories: text(manifest.category) ? [text(manifest.category)!] : [],
  };
  const input: ComposeAppInput = {
    store,
    appId,
    file: composeFile,
    compose,
    meta,
    settings,
    variables,
    ignoreServices: [{ service: UMBREL_PROXY_SERVICE, reason: "Umbrel's own reverse proxy, which Tomo does not run: the port of the service it points at is published instead" }],
    ...(refusals.length ? { refusals } : {}),
    ...(unavailable.length ? { unavailable: unavailable.join('; ') } : {}),
  };
  return { input };
}

/**
 * Publishes the manifest's `port` on the service and port `app_proxy`'s APP_HOST / APP_PORT name
 * (APP_HOST is the container name Umbrel gives it, `<app-id>_<service>_1`, or the service name).
 * Returns whether a service was published.
 */
function publishProxiedService(compose: Record<string, unknown>, appId: string, port: number | undefined, refuse: Refuse): boolean {
  const services = compose.services as Record<string, unknown>;
  const proxy = services[UMBREL_PROXY_SERVICE];
  if (!isPlainObject(proxy)) return false;
  const env = environmentOf(proxy);
  const at = `services.${UMBREL_PROXY_SERVICE}.environment`;
  const auth = env.PROXY_AUTH_ADD;
  if (auth === undefined || auth.toLowerCase() !== 'false') refuse(`${at}.PROXY_AUTH_ADD`, "Umbrel's proxy asks for the Umbrel sign-in before the app: Tomo publishes the app's port without it");
  const host = env.APP_HOST ?? '';
  const containerPort = portNumber(env.APP_PORT);
  if (containerPort === undefined) {
    refuse(`${at}.APP_PORT`, 'must be a port number: no web port is published');
    return false;
  }
  if (port === undefined) {
    refuse('port', 'must be a port number 1-65535: no web port is published');
    return false;
  }
  const names = Object.keys(services).filter((n) => n !== UMBREL_PROXY_SERVICE);
  const service = (n: string) => (isPlainObject(services[n]) ? (services[n] as Record<string, unknown>) : {});
  // Older apps give their service a fixed address (networks.default.ipv4_address: $APP_<ID>_WEB_IP) and point APP_HOST at the same variable.
  const fixedAddress = (n: string) => {
    const networks = service(n).networks;
    return isPlainObject(networks) && isPlainObject(networks.default) ? networks.default.ipv4_address : undefined;
  };
  let target = names.find((n) => host === n || host === `${appId}_${n}_1` || host === `${appId}-${n}-1` || service(n).container_name === host || (host.startsWith('$') && fixedAddress(n) === host));
  // A service on the host's network is reached at the host's address (APP_HOST 127.0.0.1 or the gateway).
  const onHost = names.filter((n) => service(n).network_mode === 'host');
  if (!target && onHost.length === 1) target = onHost[0];
  if (!target) {
    refuse(`${at}.APP_HOST`, `"${host}" names none of the app's services: no web port is published`);
    return false;
  }
  const published = service(target);
  if (published.network_mode === 'host') {
    refuse('port', `the ${target} service uses the host's network and listens on port ${containerPort} itself: port ${port} is not used`);
    publishPort(published, containerPort, containerPort);
  } else {
    publishPort(published, port, containerPort);
  }
  return true;
}

/** Every variable the services use → Tomo's equivalent, or unmappable with the reason. */
function variablesFor(used: Set<string>, dependencies: ReadonlyArray<string>): Record<string, VariableMapping> {
  const variables: Record<string, VariableMapping> = {};
  for (const name of used) {
    if (name === 'APP_DATA_DIR') variables[name] = { kind: 'appDataDir' };
    else if (name === 'APP_PASSWORD' || name === 'APP_SEED') variables[name] = { kind: 'setting', key: name };
    else if (UNMAPPABLE[name]) variables[name] = { kind: 'unmappable', reason: UNMAPPABLE[name] };
    else if (name.startsWith('APP_')) {
      const from = dependencies.find((d) => name.startsWith(`APP_${d.toUpperCase().replace(/-/g, '_')}_`));
      variables[name] = { kind: 'unmappable', reason: from ? `exported by the Umbrel app "${from}", which Tomo does not provide` : 'an Umbrel app variable Tomo has no equivalent for' };
    } else variables[name] = { kind: 'unmappable', reason: 'not a variable Umbrel provides to apps, nor one Tomo has' };
  }
  return variables;
}
