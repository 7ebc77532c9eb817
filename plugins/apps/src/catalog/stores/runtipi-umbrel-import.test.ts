import fs from 'node:fs';
import path from 'node:path';
import { parseAppDefinition } from '../definition-schema';
import { importComposeApp } from './compose-import';
import { runtipiReader } from './runtipi';
import type { StoreReader } from './store-source';
import type { StoreInfo } from './store-types';
import { umbrelReader } from './umbrel';

/*
 * Issue 23, acceptance 1 for Runtipi and Umbrel: every fixture app through its reader, the shared
 * converter and Tomo's own definition schema. The generated definitions and every refusal (app and
 * field) are snapshot-tested; the assertions name what each fixture is there to show.
 */

const STORES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'stores');
const STORE_INFO: Record<'runtipi' | 'umbrel', StoreInfo> = {
  runtipi: { id: 'runtipi', format: 'runtipi', name: 'Runtipi app store', attribution: 'Test fixtures' },
  umbrel: { id: 'umbrel', format: 'umbrel', name: 'Umbrel app store', attribution: 'Test fixtures' },
};

interface Outcome {
  app: string;
  skipped?: string;
  error?: string;
  unavailable?: string;
  refusals?: string[];
  definition?: Record<string, unknown>;
  schemaErrors?: string[];
  requiresAdmin?: boolean;
}

/** One store, as its catalog source reads it: every app folder through read(), the converter and the schema. */
function importStore(reader: StoreReader, format: 'runtipi' | 'umbrel'): Outcome[] {
  const root = path.join(STORES, format, reader.appsFolder);
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((appId) => {
      const dir = path.join(root, appId);
      const files = Object.fromEntries(reader.files.map((name) => [name, fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : undefined]));
      const read = reader.read({ store: STORE_INFO[format], appId, dir, files });
      if ('skipped' in read) return { app: appId, skipped: `${read.skipped.field}: ${read.skipped.message}` };
      if ('error' in read) return { app: appId, error: `${read.error.field}: ${read.error.message}` };
      const imported = importComposeApp(read.input);
      const outcome: Outcome = { app: appId, ...(imported.unavailable ? { unavailable: imported.unavailable } : {}), refusals: imported.refusals.map((r) => `${r.appId} ${r.field}: ${r.reason}`) };
      if (imported.definition) {
        outcome.definition = imported.definition;
        const parsed = parseAppDefinition(imported.definition, read.input.file);
        if (parsed.app) outcome.requiresAdmin = parsed.app.security.requiresAdmin;
        else outcome.schemaErrors = parsed.errors.map((e) => `${e.field}: ${e.message}`);
      }
      return outcome;
    });
}

describe('Runtipi store → Tomo definitions', () => {
  const outcomes = importStore(runtipiReader, 'runtipi');
  const of = (app: string) => outcomes.find((o) => o.app === app)!;

  it('every app either converts into a definition Tomo\'s schema accepts, or is skipped with the reason', () => {
    for (const o of outcomes) {
      if (o.skipped) continue;
      expect({ app: o.app, error: o.error, schemaErrors: o.schemaErrors }).toEqual({ app: o.app, error: undefined, schemaErrors: undefined });
      expect(o.definition).toBeDefined();
    }
    expect(of('tipi-retired').skipped).toBe('available: "Tipi Retired" is marked available: false by its store');
  });

  it('tipi-notes: every form field type as a setting, the main port published, installable by anyone', () => {
    const o = of('tipi-notes');
    expect(o.unavailable).toBeUndefined();
    expect(o.requiresAdmin).toBe(false);
    const d = o.definition as any;
    expect(d.id).toBe('runtipi-tipi-notes');
    expect(d.services['tipi-notes'].ports).toEqual([{ host: 18101, container: 8080 }].map((p) => expect.objectContaining(p)));
    expect(d.services['tipi-notes'].env).toMatchObject({ GREETING: '{{NOTES_GREETING}}', APP_SECRET: '{{NOTES_SESSION_SECRET}}', BASE_URL: 'http://localhost:18101', TZ: '{{TZ}}' });
    expect(d.settings.map((s: { name: string }) => s.name)).toEqual(['NOTES_GREETING', 'NOTES_ADMIN_PASSWORD', 'NOTES_ADMIN_EMAIL', 'NOTES_WORKERS', 'NOTES_PUBLIC_HOST', 'NOTES_TRUSTED_PROXY', 'NOTES_WEBHOOK', 'NOTES_SESSION_SECRET', 'NOTES_API_TOKEN', 'NOTES_SIGNUPS', 'NOTES_THEME', 'TZ']);
  });

  it('tipi-stack: three services, the shared generated password, depends_on conditions and the named volume', () => {
    const d = of('tipi-stack').definition as any;
    expect(Object.keys(d.services)).toEqual(['web', 'db', 'cache']);
    expect(d.services.web.env.DB_PASSWORD).toBe('{{STACK_DB_PASSWORD}}');
    expect(d.services.db.env.DB_PASSWORD).toBe('{{STACK_DB_PASSWORD}}');
    expect(d.services.web.dependsOn).toEqual({ db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } });
    expect(d.namedVolumes).toEqual([{ name: 'dbdata' }]);
  });

  it('tipi-host: host network, privileged, the Docker socket, a host folder and a capability are declared host access (admin-only)', () => {
    const o = of('tipi-host');
    expect(o.unavailable).toBeUndefined();
    expect(o.requiresAdmin).toBe(true);
    expect((o.definition as any).hostAccess).toMatchObject({ privileged: true, hostNetwork: true, dockerSocket: true, hostPaths: [expect.objectContaining({ path: '/srv/media' })], capabilities: [expect.objectContaining({ name: 'NET_ADMIN' })] });
  });

  it('tipi-exposed: unavailable, naming force_expose and each unmappable variable', () => {
    const o = of('tipi-exposed');
    expect(o.unavailable).toMatch(/force_expose/);
    expect(o.unavailable).toMatch(/variable APP_DOMAIN: the domain Runtipi's reverse proxy serves the app on/);
    expect(o.unavailable).toMatch(/variable LOCAL_DOMAIN/);
  });

  it('tipi-classic: the docker-compose.json format converts like Compose', () => {
    const d = of('tipi-classic').definition as any;
    expect(Object.keys(d.services)).toEqual(['tipi-classic', 'tipi-classic-cache']);
    expect(d.services['tipi-classic'].volumes).toEqual([{ host: '${DATA_ROOT}/data/library', container: '/data' }]);
  });

  it('snapshot: the definitions and the refusals of every app', () => {
    expect(outcomes).toMatchSnapshot();
  });
});

describe('Umbrel store → Tomo definitions', () => {
  const outcomes = importStore(umbrelReader, 'umbrel');
  const of = (app: string) => outcomes.find((o) => o.app === app)!;

  it('every app converts into a definition Tomo\'s schema accepts', () => {
    for (const o of outcomes) expect({ app: o.app, error: o.error, schemaErrors: o.schemaErrors, defined: o.definition !== undefined }).toEqual({ app: o.app, error: undefined, schemaErrors: undefined, defined: true });
  });

  it('tomo-umbrel-notes: app_proxy left out, its target published on the manifest port, APP_PASSWORD a setting, the sign-in in the notes', () => {
    const o = of('tomo-umbrel-notes');
    expect(o.unavailable).toBeUndefined();
    const d = o.definition as any;
    expect(d.id).toBe('umbrel-tomo-umbrel-notes');
    expect(Object.keys(d.services)).toEqual(['web']);
    expect(d.services.web.ports).toEqual([expect.objectContaining({ host: 18201, container: 8080 })]);
    expect(d.services.web.env).toMatchObject({ ADMIN_PASSWORD: '{{APP_PASSWORD}}', APP_SECRET: '{{APP_PASSWORD}}' });
    expect(d.settings).toEqual([expect.objectContaining({ name: 'APP_PASSWORD', generate: 'password' })]);
    expect(d.notes).toMatch(/^Sign in as "admin"\./);
    expect(o.refusals).toEqual(expect.arrayContaining([expect.stringMatching(/^tomo-umbrel-notes services\.app_proxy: service left out: Umbrel's own reverse proxy/)]));
  });

  it('tomo-umbrel-stack: three services sharing the generated APP_SEED', () => {
    const d = of('tomo-umbrel-stack').definition as any;
    expect(Object.keys(d.services)).toEqual(['web', 'db', 'cache']);
    expect([d.services.web.env.DB_PASSWORD, d.services.db.env.DB_PASSWORD]).toEqual(['{{APP_SEED}}', '{{APP_SEED}}']);
  });

  it('tomo-umbrel-host: declared host access, and unavailable for its device', () => {
    const o = of('tomo-umbrel-host');
    expect((o.definition as any).hostAccess).toMatchObject({ privileged: true, hostNetwork: true, dockerSocket: true, hostPaths: [expect.objectContaining({ path: '/srv/shared' })] });
    expect(o.unavailable).toMatch(/services\.tool\.devices/);
  });

  it('tomo-umbrel-lightning and tomo-umbrel-tor: unavailable, with the dependencies and Tor named', () => {
    expect(of('tomo-umbrel-lightning').unavailable).toMatch(/^it needs the Umbrel apps bitcoin, lightning, which Tomo does not provide; .*variable APP_BITCOIN_NODE_IP: exported by the Umbrel app "bitcoin"/);
    expect(of('tomo-umbrel-tor').unavailable).toMatch(/^it is reachable only over Tor \(torOnly\), which Tomo does not run; .*variable TOR_PROXY_IP/);
  });

  it('snapshot: the definitions and the refusals of every app', () => {
    expect(outcomes).toMatchSnapshot();
  });
});
