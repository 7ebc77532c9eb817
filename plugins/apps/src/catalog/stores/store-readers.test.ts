import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComposeAppInput, StoreInfo } from './store-types';
import type { StoreReader } from './store-source';
import { runtipiReader } from './runtipi';
import { storeSource } from './store-readers';
import { umbrelReader, umbrelStoreName } from './umbrel';
import { variablesIn } from './store-reading';

/*
 * The Runtipi and Umbrel readers on their own (before the shared converter): what each reads from
 * the store's files into the converter's input, and what it refuses itself. The fixtures are
 * test/fixtures/stores/{runtipi,umbrel} (see their README.md).
 */

const STORES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'stores');
const RUNTIPI = path.join(STORES, 'runtipi');
const UMBREL = path.join(STORES, 'umbrel');
const runtipiStore: StoreInfo = { id: 'runtipi-test', format: 'runtipi', name: 'Runtipi test store' };
const umbrelStore: StoreInfo = { id: 'umbrel-test', format: 'umbrel', name: 'Umbrel test store' };

/** File paths relative to the fixtures, so snapshots do not depend on where the repository is. */
function relative<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).split(STORES + path.sep).join('')) as T;
}

/** Reads an app folder as the store source does: the reader's files, then its read(). */
function readApp(reader: StoreReader, store: StoreInfo, dir: string): ReturnType<StoreReader['read']> & { input?: ComposeAppInput } {
  const files: Record<string, string | undefined> = {};
  for (const name of reader.files) {
    const file = path.join(dir, name);
    files[name] = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  }
  return reader.read({ store, appId: path.basename(dir), dir, files });
}

/** The app folders of a store, as the source lists them. */
function appsOf(reader: StoreReader, dir: string): string[] {
  return fs.readdirSync(path.join(dir, reader.appsFolder), { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempApp(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-store-test-'));
  temps.push(root);
  const dir = path.join(root, 'some-app');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('variablesIn', () => {
  it('finds ${X}, ${X:-default} and $X in keys and values, and skips the escaped $$', () => {
    expect([...variablesIn({ a: ['${ONE}', 'x$TWO/y', '$${NOT_ME}', '$$ALSO_NOT'], [`$THREE`]: { b: '${FOUR:-x} ${FIVE?err}' } })]).toEqual(['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE']);
  });
});

describe('Runtipi reader', () => {
  const read = (id: string) => readApp(runtipiReader, runtipiStore, path.join(RUNTIPI, 'apps', id));

  it('finds the app folders under apps/', () => {
    expect(appsOf(runtipiReader, RUNTIPI)).toEqual(['tipi-classic', 'tipi-exposed', 'tipi-host', 'tipi-notes', 'tipi-retired', 'tipi-stack']);
  });

  it('reads a form field of every type into settings, maps the variables and publishes the main service', () => {
    const r = read('tipi-notes');
    const input = r.input!;
    expect(input.meta).toEqual({
      name: 'Tipi Notes',
      version: '1.0.0',
      description: '## Tipi Notes\n\nA note-taking web app. This long description comes from `metadata/description.md`.',
      tagline: "A note-taking web app, for Tomo's Runtipi import tests.",
      website: 'https://example.com/tipi-notes',
      categories: ['utilities', 'data'],
      architectures: ['amd64', 'arm64'],
    });
    const byName = Object.fromEntries(input.settings.map((s) => [s.name, s]));
    expect(byName.NOTES_GREETING).toEqual({ name: 'NOTES_GREETING', label: 'Greeting', description: 'Shown on the home page', required: true });
    expect(byName.NOTES_ADMIN_PASSWORD).toMatchObject({ secret: true, description: 'Length from 8 to 64.' });
    expect(byName.NOTES_WORKERS).toMatchObject({ default: '2', description: 'Expected: a number. A number from 1 to 16.' });
    expect(byName.NOTES_SESSION_SECRET).toEqual({ name: 'NOTES_SESSION_SECRET', label: 'Session secret', generate: 'hex' });
    expect(byName.NOTES_API_TOKEN).toEqual({ name: 'NOTES_API_TOKEN', label: 'API token', generate: 'password' });
    expect(byName.NOTES_SIGNUPS).toMatchObject({ options: [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }], default: 'false' });
    expect(byName.NOTES_THEME).toMatchObject({ options: [{ value: 'light', label: 'Light' }, { value: 'dark', label: 'Dark' }], default: 'dark' });
    expect(byName.NOTES_WEBHOOK.description).toBe('Expected: a URL. Must be an https URL.');
    expect(byName.TZ).toMatchObject({ default: 'Etc/UTC' });
    expect(input.variables).toMatchObject({
      APP_DATA_DIR: { kind: 'appDataDir' },
      APP_PORT: { kind: 'literal', value: '18101' },
      TZ: { kind: 'setting', key: 'TZ' },
      NOTES_GREETING: { kind: 'setting', key: 'NOTES_GREETING' },
    });
    const service = (input.compose as any).services['tipi-notes'];
    expect(service.ports).toEqual(['18101:8080']);
    expect(service['x-runtipi']).toBeUndefined();
    expect((input.compose as any)['x-runtipi']).toBeUndefined();
    expect(input.refusals!.map((f) => f.field)).toEqual(expect.arrayContaining(['form_fields.6.regex', 'form_fields.3.min', 'metadata/logo.jpg']));
  });

  it('marks force_expose and Runtipi\'s domain variables unmappable, skips available: false', () => {
    const exposed = read('tipi-exposed');
    expect(exposed.input!.unavailable).toMatch(/force_expose/);
    expect(exposed.input!.variables).toEqual({
      APP_PROTOCOL: { kind: 'unmappable', reason: expect.stringMatching(/reverse proxy/) },
      APP_DOMAIN: { kind: 'unmappable', reason: expect.stringMatching(/domain/) },
      LOCAL_DOMAIN: { kind: 'unmappable', reason: expect.stringMatching(/local domain/) },
    });
    expect(read('tipi-retired')).toEqual({ skipped: { file: path.join(RUNTIPI, 'apps', 'tipi-retired', 'config.json'), field: 'available', message: '"Tipi Retired" is marked available: false by its store' } });
  });

  it('reads the docker-compose.json dynamic format into Compose', () => {
    const r = read('tipi-classic');
    expect(r.input!.file).toMatch(/docker-compose\.json$/);
    expect(r.input!.compose).toEqual({
      services: {
        'tipi-classic': {
          image: 'tomo-registry.test:5000/tomo-test/webapp:1',
          environment: { LIBRARY: '${CLASSIC_LIBRARY}', CACHE_HOST: 'tipi-classic-cache' },
          volumes: ['${APP_DATA_DIR}/data/library:/data'],
          depends_on: ['tipi-classic-cache'],
          ports: ['18105:8080'],
        },
        'tipi-classic-cache': {
          image: 'tomo-registry.test:5000/tomo-test/cache:1',
          ports: ['16405:6379/tcp'],
          healthcheck: { test: 'nc -z 127.0.0.1 6379', interval: '5s', timeout: '3s', retries: 5 },
          stop_grace_period: '30s',
        },
      },
    });
  });

  it('drops Runtipi\'s Traefik labels and shared network with a note, and reports broken files', () => {
    const dir = tempApp({
      'config.json': JSON.stringify({ name: 'Old', id: 'some-app', port: 8000, form_fields: [{ type: 'text', label: 'x', env_variable: 'bad-name' }] }),
      'docker-compose.yml': 'services:\n  some-app:\n    image: tomo-registry.test:5000/tomo-test/webapp:1\n    ports: ["${APP_PORT}:8080"]\n    networks: [tipi_main_network]\n    labels:\n      traefik.enable: "true"\n      keep.me: "yes"\nnetworks:\n  tipi_main_network:\n    external: true\n',
    });
    const r = readApp(runtipiReader, runtipiStore, dir);
    expect(r.input!.compose).toEqual({ services: { 'some-app': { image: 'tomo-registry.test:5000/tomo-test/webapp:1', ports: ['${APP_PORT}:8080'], labels: { 'keep.me': 'yes' } } } });
    expect(r.input!.refusals!.map((f) => [f.field, f.reason.split(':')[0]])).toEqual([
      ['form_fields.0.env_variable', 'must be a variable name (letters, digits and "_")'],
      ['services.some-app.labels', "1 label(s) for Runtipi's reverse proxy (traefik.*, runtipi.*) dropped"],
      ['services.some-app.networks.tipi_main_network', "Runtipi's shared network is not joined"],
    ]);
    expect(readApp(runtipiReader, runtipiStore, tempApp({ 'config.json': '{ nope' }))).toEqual({ error: { file: expect.any(String), field: '', message: expect.stringMatching(/^config\.json is not valid JSON/) } });
    expect(readApp(runtipiReader, runtipiStore, tempApp({ 'config.json': '{"name":"x"}' }))).toEqual({ error: { file: expect.any(String), field: '', message: 'the app has neither docker-compose.yml nor docker-compose.json' } });
    expect(readApp(runtipiReader, runtipiStore, tempApp({ 'README.md': 'helpers' }))).toEqual({ skipped: { file: expect.any(String), field: '', message: 'some-app is not an app folder: it has no config.json' } });
  });

  it('keeps a main service\'s own ${APP_PORT} mapping instead of adding a second one', () => {
    const dir = tempApp({
      'config.json': JSON.stringify({ name: 'Both', port: 8100 }),
      'docker-compose.yml': 'services:\n  some-app:\n    image: tomo-registry.test:5000/tomo-test/webapp:1\n    ports: ["${APP_PORT}:8080"]\n    x-runtipi:\n      is_main: true\n      internal_port: 8080\nx-runtipi:\n  schema_version: 2\n',
    });
    expect((readApp(runtipiReader, runtipiStore, dir).input!.compose as any).services['some-app'].ports).toEqual(['${APP_PORT}:8080']);
  });

  it('snapshot of every app\'s reading', () => {
    const all = [];
    for (const id of appsOf(runtipiReader, RUNTIPI)) all.push(relative(read(id)));
    expect(all).toMatchSnapshot();
  });
});

describe('Umbrel reader', () => {
  const read = (id: string) => readApp(umbrelReader, umbrelStore, path.join(UMBREL, id));

  it("takes a community store's name from umbrel-app-store.yml when the admin gives none", () => {
    expect(umbrelStoreName(UMBREL)).toBe('Tomo test store');
    expect(umbrelStoreName(path.dirname(tempApp({})))).toBeUndefined();
    expect(storeSource({ format: 'umbrel', dir: UMBREL }).label).toBe(`Tomo test store (${UMBREL})`);
    expect(storeSource({ format: 'umbrel', dir: UMBREL, name: 'Mine' }).label).toBe(`Mine (${UMBREL})`);
  });

  it("finds app_proxy's target by the fixed address older apps give it", () => {
    const dir = tempApp({
      'umbrel-app.yml': 'manifestVersion: 1\nid: some-app\nname: Old style\nport: 3005\n',
      'docker-compose.yml': 'version: "3.7"\nservices:\n  app_proxy:\n    environment:\n      APP_HOST: $APP_SOME_APP_WEB_IP\n      APP_PORT: 3000\n  web:\n    image: tomo-registry.test:5000/tomo-test/webapp:1\n    networks:\n      default:\n        ipv4_address: $APP_SOME_APP_WEB_IP\n',
    });
    const input = readApp(umbrelReader, umbrelStore, dir).input!;
    expect((input.compose as any).services.web.ports).toEqual(['3005:3000']);
  });

  it('finds the app folders at the top of the store', () => {
    expect(appsOf(umbrelReader, UMBREL)).toEqual(['tomo-umbrel-host', 'tomo-umbrel-lightning', 'tomo-umbrel-notes', 'tomo-umbrel-stack', 'tomo-umbrel-tor']);
  });

  it('publishes the service app_proxy points at on the manifest port, and makes $APP_PASSWORD a setting', () => {
    const input = read('tomo-umbrel-notes').input!;
    expect(input.ignoreServices).toEqual([{ service: 'app_proxy', reason: expect.stringMatching(/^Umbrel's own reverse proxy/) }]);
    expect((input.compose as any).services.web.ports).toEqual(['18201:8080']);
    expect(input.settings).toEqual([{ name: 'APP_PASSWORD', label: 'App password', description: expect.any(String), generate: 'password' }]);
    expect(input.variables).toEqual({ APP_DATA_DIR: { kind: 'appDataDir' }, APP_PASSWORD: { kind: 'setting', key: 'APP_PASSWORD' } });
    expect(input.meta).toMatchObject({ name: 'Umbrel Notes', version: '1.2.0', tagline: 'Notes in your browser', categories: ['files'], notes: expect.stringMatching(/^Sign in as "admin"\. The password is the App password setting/) });
    expect(input.refusals!.map((f) => f.field)).toEqual(['gallery']);
    expect(input.unavailable).toBeUndefined();
  });

  it('says the proxy sign-in is not there, and maps $APP_SEED onto a generated setting', () => {
    const r = read('tomo-umbrel-stack');
    expect(r.input!.refusals!.map((f) => f.field)).toEqual(['services.app_proxy.environment.PROXY_AUTH_ADD']);
    expect(r.input!.settings.map((s) => [s.name, s.generate])).toEqual([['APP_SEED', 'hex']]);
    expect((r.input!.compose as any).services.web.ports).toEqual(['18202:8080']);
  });

  it('a host-network service listens on APP_PORT itself', () => {
    const r = read('tomo-umbrel-host');
    expect((r.input!.compose as any).services.tool.ports).toEqual(['8080:8080']);
    expect(r.input!.refusals!.find((f) => f.field === 'port')!.reason).toMatch(/listens on port 8080 itself: port 18203 is not used/);
  });

  it('is unavailable with the reason when it depends on other Umbrel apps or needs Tor', () => {
    const lightning = read('tomo-umbrel-lightning');
    expect(lightning.input!.unavailable).toBe('it needs the Umbrel apps bitcoin, lightning, which Tomo does not provide');
    expect(lightning.input!.variables.APP_BITCOIN_NODE_IP).toEqual({ kind: 'unmappable', reason: 'exported by the Umbrel app "bitcoin", which Tomo does not provide' });
    const tor = read('tomo-umbrel-tor');
    expect(tor.input!.unavailable).toMatch(/only over Tor/);
    expect(Object.keys(tor.input!.variables)).toEqual(['TOR_PROXY_IP', 'TOR_PROXY_PORT', 'DEVICE_DOMAIN_NAME']);
  });

  it('reports an unknown manifest version and a missing Compose file', () => {
    expect(readApp(umbrelReader, umbrelStore, tempApp({ 'umbrel-app.yml': 'manifestVersion: 2\nname: x\n' }))).toEqual({ error: { file: expect.stringMatching(/umbrel-app\.yml$/), field: 'manifestVersion', message: '2 is not a manifest version Tomo reads (1 or 1.x)' } });
    expect(readApp(umbrelReader, umbrelStore, tempApp({ 'umbrel-app.yml': 'manifestVersion: 1\nname: x\n' }))).toEqual({ error: { file: expect.stringMatching(/docker-compose\.yml$/), field: '', message: 'docker-compose.yml is missing' } });
    expect(readApp(umbrelReader, umbrelStore, tempApp({ 'README.md': 'template' }))).toEqual({ skipped: { file: expect.any(String), field: '', message: 'some-app is not an app folder: it has no umbrel-app.yml' } });
  });

  it('snapshot of every app\'s reading', () => {
    const all = [];
    for (const id of appsOf(umbrelReader, UMBREL)) all.push(relative(read(id)));
    expect(all).toMatchSnapshot();
  });
});
