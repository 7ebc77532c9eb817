import path from 'node:path';
import { storeSource } from './store-readers';
import { localized } from './casaos';

const STORE_DIR = path.resolve(__dirname, '../../../test/fixtures/stores/casaos');

async function load() {
  return storeSource({ format: 'casaos', dir: STORE_DIR }).load();
}

test('the fixture CasaOS store: every app, its generated definition and its refusals (snapshots)', async () => {
  const result = await load();
  const relative = (file: string) => path.relative(STORE_DIR, file);
  expect(result.errors.map((e) => ({ ...e, file: relative(e.file) }))).toEqual([]);
  expect(result.apps.map((a) => a.definition.id)).toEqual(['casaos-gpu-transcoder', 'casaos-greeter', 'casaos-legacy', 'casaos-media-shares', 'casaos-referral', 'casaos-three-tier']);
  for (const app of result.apps) {
    expect(app.imported?.store).toEqual({ id: 'casaos', format: 'casaos', name: 'CasaOS app store', licence: 'Apache-2.0', attribution: "App definitions by the CasaOS app store's contributors" });
    expect(app.definition).toMatchSnapshot(`definition of ${app.definition.id}`);
    expect({ unavailable: app.imported?.unavailable ?? null, refusals: app.imported?.refusals }).toMatchSnapshot(`refusals of ${app.definition.id}`);
  }
  // The refusals are the source's warnings, naming the app's file and field.
  expect(result.warnings.map((w) => `${relative(w.file)} ${w.field}`)).toMatchSnapshot('warnings');
});

test('CasaOS variables and envs: $AppID, the app data folder, $TZ/$PUID/$PGID and described envs as settings', async () => {
  const greeter = (await load()).apps.find((a) => a.definition.id === 'casaos-greeter')!;
  const d = greeter.definition;
  expect(greeter.imported?.unavailable).toBeUndefined();
  expect(d.env.map((s) => [s.name, s.label, s.default, s.secret])).toEqual([
    ['PUID', 'User id the app runs as', '1000', false],
    ['PGID', 'Group id the app runs as', '1000', false],
    ['TZ', 'Time zone of the app', 'Etc/UTC', false],
    ['GREETING', 'Greeting shown on the page', 'hello from casaos', false],
    ['APP_SECRET', 'Secret the app signs its cookies with', 'change-me', true],
  ]);
  expect(d.services![0].env).toEqual([
    { name: 'GREETING', value: '{{GREETING}}' },
    { name: 'APP_SECRET', value: '{{APP_SECRET}}' },
    { name: 'TZ', value: '{{TZ}}' },
    { name: 'PUID', value: '{{PUID}}' },
    { name: 'DATA_OWNER', value: '{{PUID}}:{{PGID}}' },
  ]);
  expect(d.volumes).toEqual([{ kind: 'data', service: 'greeter', subPath: 'data', containerPath: '/data', readOnly: false, description: 'Visit counter' }]);
  expect(d.ports).toEqual([{ service: 'greeter', container: 8080, host: 18101, protocol: 'tcp', description: 'Web UI', optional: false }]);
  expect(d.security.requiresAdmin).toBe(false);
  expect(d.requirements).toEqual({ architectures: ['amd64', 'arm64'] });
  expect(d.notes).toBe('Packaged for the CasaOS app store by Tomo test team; developed by Test bed.\n\nOpen port 18101 after installing.');
});

test('host paths outside /DATA/AppData/$AppID are declared host access; devices and undefined variables make an app unavailable', async () => {
  const apps = new Map((await load()).apps.map((a) => [a.definition.id, a]));
  const media = apps.get('casaos-media-shares')!;
  expect(media.definition.hostAccess.hostPaths.map((p) => p.path)).toEqual(['/DATA/Media', '/DATA/Downloads', '/etc/localtime']);
  expect(media.definition.hostAccess).toMatchObject({ privileged: true, hostNetwork: true, dockerSocket: true });
  expect(media.definition.security.requiresAdmin).toBe(true);
  expect(media.definition.volumes.find((v) => v.containerPath === '/config')).toMatchObject({ kind: 'data', subPath: 'config' });
  expect(apps.get('casaos-gpu-transcoder')!.imported?.unavailable).toBe(
    'services.transcoder.entrypoint: replacing the image\'s entrypoint is not supported; services.transcoder.devices: device passthrough is not supported by Tomo\'s installer',
  );
  expect(apps.get('casaos-referral')!.imported?.unavailable).toBe('services.app.environment.REFERRAL: variable REFERRAL_CODE is not defined by the store and has no default');
  expect(apps.get('casaos-referral')!.definition.services![0].env).toContainEqual({ name: 'MODE', value: 'production' });
});

test('a reload converts only the apps whose files changed (the rest come from the cache)', async () => {
  const source = storeSource({ format: 'casaos', dir: STORE_DIR });
  const first = await source.load();
  const second = await source.load();
  expect(second.apps.map((a) => a.definition)).toEqual(first.apps.map((a) => a.definition));
  second.apps.forEach((a, i) => expect(a).toBe(first.apps[i]));
});

test('locale-keyed text: English first, then any', () => {
  expect(localized({ zh_cn: '你好', en_US: 'Hello' })).toBe('Hello');
  expect(localized({ en_us: 'Hi' })).toBe('Hi');
  expect(localized({ zh_cn: '你好' })).toBe('你好');
  expect(localized('Plain')).toBe('Plain');
  expect(localized(42)).toBeUndefined();
});
