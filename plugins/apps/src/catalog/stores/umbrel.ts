import fs from 'node:fs';
import path from 'node:path';
import type { ComposeAppInput, ImportedSetting, StoreInfo, VariableMapping } from './compose-import';
import { copyPlain, environmentOf, isPlainObject, parseStoreYaml, portNumber, publishPort, readStoreFile, text, variablesIn, type StoreAppReading } from './store-reading';

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

/** The store's id and name from `umbrel-app-store.yml` (community stores), when there is one. */
export async function readUmbrelStoreFile(dir: string): Promise<{ id?: string; name?: string }> {
  try {
    const source = await readStoreFile(path.join(dir, 'umbrel-app-store.yml'));
    const parsed = source === undefined ? undefined : parseStoreYaml(source, 'umbrel-app-store.yml');
    if (!isPlainObject(parsed)) return {};
    return { ...(text(parsed.id) ? { id: text(parsed.id) } : {}), ...(text(parsed.name) ? { name: text(parsed.name) } : {}) };
  } catch {
    return {};
  }
}

/** The app folders of an Umbrel store (those with an umbrel-app.yml), by name. */
export async function listUmbrelApps(dir: string): Promise<string[]> {
  const entries = await fs.promises.readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && fs.existsSync(path.join(dir, e.name, 'umbrel-app.yml')))
    .map((e) => e.name)
    .sort();
}

/** Reads one app folder into the converter's input. Never throws. */
export async function readUmbrelApp(appDir: string, store: StoreInfo): Promise<StoreAppReading> {
  const appId = path.basename(appDir);
  const manifestFile = path.join(appDir, 'umbrel-app.yml');
  const reading: StoreAppReading = { appId, file: manifestFile, refusals: [] };
  const refuse = (field: string, reason: string) => reading.refusals.push({ appId, field, reason });
  const unavailable: string[] = [];
  try {
    const source = await readStoreFile(manifestFile);
    if (source === undefined) return { ...reading, error: { field: '', message: 'umbrel-app.yml is missing' } };
    const manifest = parseStoreYaml(source, 'umbrel-app.yml');
    if (!isPlainObject(manifest)) return { ...reading, error: { field: '', message: 'umbrel-app.yml must be a mapping' } };
    const version = manifest.manifestVersion;
    if (typeof version !== 'number' || version < 1 || version >= 2) {
      return { ...reading, error: { field: 'manifestVersion', message: `${JSON.stringify(version ?? null)} is not a manifest version Tomo reads (1 or 1.x)` } };
    }
    const name = text(manifest.name);
    if (!name) return { ...reading, error: { field: 'name', message: 'is required' } };
    if (manifest.id !== undefined && manifest.id !== appId) refuse('id', `"${String(manifest.id)}" differs from the folder name: the app is imported as "${appId}"`);

    const composeFile = path.join(appDir, 'docker-compose.yml');
    const composeSource = await readStoreFile(composeFile);
    if (composeSource === undefined) return { ...reading, error: { field: '', message: 'docker-compose.yml is missing' } };
    const parsed = parseStoreYaml(composeSource, 'docker-compose.yml');
    if (!isPlainObject(parsed) || !isPlainObject(parsed.services)) return { ...reading, error: { field: '', message: 'docker-compose.yml must be a Compose mapping with services' } };
    const compose = copyPlain(parsed);
    const port = portNumber(manifest.port);
    const proxied = publishProxiedService(compose, appId, port, refuse);

    const dependencies = (Array.isArray(manifest.dependencies) ? manifest.dependencies : []).filter((d): d is string => typeof d === 'string');
    if (dependencies.length > 0) unavailable.push(`it needs the Umbrel app${dependencies.length > 1 ? 's' : ''} ${dependencies.join(', ')}, which Tomo does not provide`);
    if (manifest.torOnly === true) unavailable.push('it is reachable only over Tor (torOnly), which Tomo does not run');

    const used = variablesIn(compose.services);
    // The app_proxy service is left out, so what only it uses does not count.
    const settings: ImportedSetting[] = [];
    if (used.has('APP_PASSWORD')) {
      settings.push({ name: 'APP_PASSWORD', label: 'App password', description: 'Umbrel derives this password from the device; here, type one or leave it empty for a generated one.', generate: 'password' });
    }
    if (used.has('APP_SEED')) settings.push({ name: 'APP_SEED', label: 'App seed', description: "A secret Umbrel derives from the device for this app; Tomo generates one.", generate: 'hex' });
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
    const meta: ComposeAppInput['meta'] = {
      name,
      ...(manifest.version !== undefined && manifest.version !== null && String(manifest.version).trim() !== '' ? { version: String(manifest.version).trim() } : {}),
      ...(text(manifest.description) ? { description: text(manifest.description) } : {}),
      ...(text(manifest.tagline) ? { tagline: text(manifest.tagline) } : {}),
      ...(icon && /^https?:\/\//i.test(icon) ? { icon } : {}),
      ...(website ? { website } : {}),
      ...(notes.length ? { notes: notes.join(' ') } : {}),
      categories: text(manifest.category) ? [text(manifest.category)!] : [],
    };
    return {
      ...reading,
      ...(unavailable.length ? { unavailable: unavailable.join('; ') } : {}),
      input: { store, appId, file: composeFile, compose, meta, settings, variables, ignoreServices: [UMBREL_PROXY_SERVICE] },
    };
  } catch (err) {
    return { ...reading, error: { field: '', message: (err as Error).message } };
  }
}

/**
 * Publishes the manifest's `port` on the service and port `app_proxy`'s APP_HOST / APP_PORT name
 * (APP_HOST is the container name Umbrel gives it, `<app-id>_<service>_1`, or the service name).
 * Returns whether a service was published.
 */
function publishProxiedService(compose: Record<string, unknown>, appId: string, port: number | undefined, refuse: (field: string, reason: string) => void): boolean {
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
  let target = names.find((n) => host === n || host === `${appId}_${n}_1` || host === `${appId}-${n}-1` || (isPlainObject(services[n]) && (services[n] as Record<string, unknown>).container_name === host));
  // A service on the host's network is reached at the host's address (APP_HOST 127.0.0.1 or the gateway).
  const onHost = names.filter((n) => isPlainObject(services[n]) && (services[n] as Record<string, unknown>).network_mode === 'host');
  if (!target && onHost.length === 1) target = onHost[0];
  if (!target) {
    refuse(`${at}.APP_HOST`, `"${host}" names none of the app's services: no web port is published`);
    return false;
  }
  const service = services[target] as Record<string, unknown>;
  if (service.network_mode === 'host') {
    refuse('port', `the ${target} service uses the host's network and listens on port ${containerPort} itself: port ${port} is not used`);
    publishPort(service, containerPort, containerPort);
  } else {
    publishPort(service, port, containerPort);
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
