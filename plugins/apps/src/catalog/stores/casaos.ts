import path from 'node:path';
import { isPlainObject } from '../input-parts';
import { ENV_NAME } from '../input-parts';
import { readStoreYaml } from './store-yaml';
import type { StoreReader } from './store-source';
import type { ComposeAppInput, ImportedSetting, VariableMapping } from './store-types';

/*
 * The CasaOS app store (github.com/IceWhaleTech/CasaOS-AppStore and the stores made like it):
 * `Apps/<App>/docker-compose.yml`, a Compose file whose top-level `x-casaos` holds the app's
 * metadata (title, tagline, description, icon, category, author, developer, architectures,
 * version, port_map, index, scheme, tips; text as locale-keyed objects) and whose services may
 * carry their own `x-casaos` with descriptions of their envs, ports and volumes.
 *
 * CasaOS fills `$AppID` (the app's id), `$PUID`, `$PGID` and `$TZ` when it installs an app, and
 * keeps app data under `/DATA/AppData/$AppID`. In Tomo: `$AppID` is the app's id, the other three
 * are settings (defaults 1000, 1000, Etc/UTC), and `/DATA/AppData/$AppID` is the installation's
 * own data folder; anything else under `/DATA` (the user's shared folders) or elsewhere is declared
 * host access. Every env a service's `x-casaos` describes is a setting, labelled by its
 * description, with the Compose value as its default.
 */

const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.yaml'] as const;

/** CasaOS's own variables that are settings in Tomo, with the values CasaOS uses by default. */
const BUILT_IN_SETTINGS: readonly ImportedSetting[] = [
  { name: 'PUID', label: 'User id the app runs as', default: '1000' },
  { name: 'PGID', label: 'Group id the app runs as', default: '1000' },
  { name: 'TZ', label: 'Time zone', description: 'A tz database name, e.g. Europe/Paris.', default: 'Etc/UTC' },
];

/** Env names whose value is a secret: stored sealed, never shown again. */
const SECRET_NAME = /PASS|SECRET|TOKEN|(^|_)KEY($|_)|PRIVATE/i;

/** Text of a locale-keyed object (`{ en_us: ..., en_US: ..., zh_cn: ... }`) or a plain string: English first. */
export function localized(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (!isPlainObject(value)) return undefined;
  const entries = Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '');
  const english = entries.find(([k]) => k.toLowerCase() === 'en_us') ?? entries.find(([k]) => k.toLowerCase().startsWith('en'));
  return (english ?? entries[0])?.[1].trim();
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

export const casaosReader: StoreReader = {
  format: 'casaos',
  appsFolder: 'Apps',
  files: COMPOSE_FILES,
  read({ store, appId: folder, dir, files }) {
    const name = COMPOSE_FILES.find((f) => files[f] !== undefined);
    if (!name) return { skipped: { file: dir, field: '', message: `${folder} has no docker-compose.yml: not a CasaOS app` } };
    const file = path.join(dir, name);
    const parsed = readStoreYaml(files[name] as string, file);
    if ('error' in parsed) return { error: parsed.error };
    const compose = structuredClone(parsed.value);
    const x = isPlainObject(compose['x-casaos']) ? compose['x-casaos'] : {};
    // CasaOS's AppID is the Compose project name (the folder's name when there is none).
    const appId = typeof compose.name === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(compose.name) ? compose.name : folder.toLowerCase();

    const variables: Record<string, VariableMapping> = {
      AppID: { kind: 'literal', value: appId },
      PUID: { kind: 'setting', key: 'PUID' },
      PGID: { kind: 'setting', key: 'PGID' },
      TZ: { kind: 'setting', key: 'TZ' },
    };
    const settings: ImportedSetting[] = BUILT_IN_SETTINGS.map((s) => ({ ...s }));
    const descriptions: Record<string, string> = {};
    const services = isPlainObject(compose.services) ? compose.services : {};

    for (const [service, raw] of Object.entries(services)) {
      if (!isPlainObject(raw) || !isPlainObject(raw['x-casaos'])) continue;
      const sx = raw['x-casaos'];
      for (const [list, key] of [['ports', 'container'], ['volumes', 'container']] as const) {
        for (const item of Array.isArray(sx[list]) ? sx[list] : []) {
          const container = isPlainObject(item) ? str(item.container) : undefined;
          const text = isPlainObject(item) ? localized(item.description) : undefined;
          if (container && text) descriptions[`${service} ${container.replace(/\/(tcp|udp)$/, '')}`] = text;
          void key;
        }
      }
      for (const item of Array.isArray(sx.envs) ? sx.envs : []) {
        const envName = isPlainObject(item) ? str(item.container) : undefined;
        if (!envName || !ENV_NAME.test(envName)) continue;
        declareSetting(raw, envName, localized(isPlainObject(item) ? item.description : undefined), settings, variables);
      }
    }

    // The web interface: port_map is the published port of the main service.
    const main = str(x.main) ?? Object.keys(services)[0];
    const portMap = str(x.port_map);
    const mainService = main !== undefined && isPlainObject(services[main]) ? services[main] : undefined;
    if (mainService && portMap && Array.isArray(mainService.ports)) {
      const container = mainService.ports.map(containerOfPublished(portMap)).find((c) => c !== undefined);
      const scheme = str(x.scheme) ?? 'http';
      const index = str(x.index) ?? '/';
      if (container !== undefined && descriptions[`${main} ${container}`] === undefined) descriptions[`${main} ${container}`] = `Web interface (${scheme}, ${index})`;
    }

    const author = str(x.author);
    const developer = str(x.developer);
    const tips = isPlainObject(x.tips) ? localized(x.tips.before_install) : undefined;
    const notes = [
      author || developer ? `Packaged for the CasaOS app store${author ? ` by ${author}` : ''}${developer ? `; developed by ${developer}` : ''}.` : undefined,
      tips,
    ].filter(Boolean).join('\n\n');
    const input: ComposeAppInput = {
      store,
      appId,
      file,
      compose,
      meta: {
        name: localized(x.title) ?? appId,
        ...(str(x.version) ? { version: str(x.version) } : {}),
        ...(localized(x.description) ? { description: localized(x.description) } : {}),
        ...(localized(x.tagline) ? { tagline: localized(x.tagline) } : {}),
        ...(str(x.icon) ? { icon: str(x.icon) } : {}),
        ...(str(x.website) ?? str(x.repo) ? { website: str(x.website) ?? str(x.repo) } : {}),
        categories: typeof x.category === 'string' ? [x.category] : Array.isArray(x.category) ? x.category.filter((c): c is string => typeof c === 'string') : [],
        ...(notes ? { notes } : {}),
        ...(Array.isArray(x.architectures) ? { architectures: x.architectures.filter((a): a is string => typeof a === 'string') } : {}),
      },
      settings,
      variables,
      appDataPaths: [`/DATA/AppData/${appId}`],
      descriptions,
      metaFields: { version: 'x-casaos.version', icon: 'x-casaos.icon', website: x.website === undefined ? 'x-casaos.repo' : 'x-casaos.website' },
    };
    return { input };
  },
};

/** The container port a service publishes on `published` (`"8080:80"`, long form), if it does. */
function containerOfPublished(published: string) {
  return (port: unknown): string | undefined => {
    if (isPlainObject(port)) return String(port.published) === published ? str(port.target) : undefined;
    const m = /^(?:[^:]*:)?(\d+):(\d+)(?:\/(?:tcp|udp))?$/.exec(String(port));
    return m && m[1] === published ? m[2] : undefined;
  };
}

/**
 * An env the store describes becomes a setting: its label the description, its default the
 * Compose value (the value is then `${NAME}`, which the converter turns into `{{NAME}}`). When the
 * value is already one of CasaOS's variables (`TZ: $TZ`), that setting gets the description instead.
 */
function declareSetting(service: Record<string, unknown>, envName: string, description: string | undefined, settings: ImportedSetting[], variables: Record<string, VariableMapping>) {
  const env = service.environment;
  let value: string | undefined;
  let set: ((v: string) => void) | undefined;
  if (isPlainObject(env) && env[envName] !== undefined && env[envName] !== null) {
    value = String(env[envName]);
    set = (v) => (env[envName] = v);
  } else if (Array.isArray(env)) {
    const i = env.findIndex((e) => typeof e === 'string' && e.startsWith(`${envName}=`));
    if (i >= 0) {
      value = (env[i] as string).slice(envName.length + 1);
      set = (v) => (env[i] = `${envName}=${v}`);
    }
  }
  if (value === undefined || !set) return;
  const label = description && description.length <= 100 && !description.includes('\n') ? description : envName;
  const help = description && label !== description ? { description: description.slice(0, 1000) } : {};
  const builtIn = /^\$\{?(PUID|PGID|TZ)\}?$/.exec(value);
  if (builtIn) {
    const setting = settings.find((s) => s.name === builtIn[1]);
    if (setting && description) Object.assign(setting, { label, ...help });
    return;
  }
  const existing = settings.find((s) => s.name === envName);
  if (existing) {
    // Declared by another service too: the same setting when the values agree, else left as written.
    if (existing.default === value) set(`\${${envName}}`);
    return;
  }
  // A value made of other variables cannot be a setting's default: it stays as written.
  if (value.includes('$') || variables[envName] !== undefined) return;
  settings.push({ name: envName, label, ...help, ...(value !== '' ? { default: value } : {}), ...(SECRET_NAME.test(envName) ? { secret: true } : {}) });
  variables[envName] = { kind: 'setting', key: envName };
  set(`\${${envName}}`);
}
