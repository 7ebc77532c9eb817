/**
 * Issue 23, acceptance 2 for Runtipi and Umbrel: on a fresh Debian 13 server from the test bed,
 * prepared by Tomo (Docker and Compose v2 from Debian's packages), one app imported from a Runtipi
 * store and one from an Umbrel store install with real pulls from the test bed registry and answer
 * on their ports; a setting typed in the install request (the wizard's fields) reaches the container
 * verbatim. One prepared server for both (CI time matters). The stores are the fixtures of
 * test/fixtures/stores, configured under catalog.stores as an admin would.
 */
import path from 'node:path';
import { startAppsKernel, TEST_CATALOG, waitInstalled, type AppsKernel } from './support/apps-kernel';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const freshServers = require('../../../scripts/testbed/fresh-server.js');

jest.setTimeout(900000);

interface Fresh {
  host: string;
  port: number;
  username: string;
  password: string;
  exec(argv: string[], options?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

const STORES = path.join(__dirname, 'fixtures', 'stores');
let t: AppsKernel | undefined;
let fresh: Fresh | undefined;

afterAll(async () => {
  await t?.stop();
  await fresh?.remove();
});

test('a Runtipi app and an Umbrel app install on a prepared Debian 13 server, answer, and get the typed setting verbatim', async () => {
  [fresh, t] = await Promise.all([
    freshServers.startFreshServer({ sudo: 'nopasswd', debian: 13, registry: true }) as Promise<Fresh>,
    startAppsKernel({
      config: {
        catalog: {
          dirs: [TEST_CATALOG],
          stores: [
            { format: 'runtipi', dir: path.join(STORES, 'runtipi') },
            { format: 'umbrel', dir: path.join(STORES, 'umbrel'), name: 'Tomo test store', licence: 'MIT', attribution: 'Tomo test fixtures' },
          ],
        },
      },
    }),
  ]);
  const server = fresh!;
  const k = t!;
  const token = k.tokens.admin;

  // The imported apps are in the catalog with their store (its licence and attribution) and what was not honoured.
  const notes = await k.request('GET', '/api/apps/catalog/runtipi-tipi-notes', { token });
  expect(notes.body.source).toMatchObject({ id: 'store:runtipi', kind: 'import' });
  expect(notes.body.imported).toMatchObject({ store: { id: 'runtipi', format: 'runtipi', name: 'Runtipi app store' }, storeAppId: 'tipi-notes' });
  expect(notes.body.imported.refusals).toContainEqual({ field: 'form_fields.6.regex', reason: expect.stringContaining('Tomo does not check values against a pattern') });
  const umbrelNotes = await k.request('GET', '/api/apps/catalog/umbrel-tomo-umbrel-notes', { token });
  expect(umbrelNotes.body.imported.store).toEqual({ id: 'umbrel', format: 'umbrel', name: 'Tomo test store', licence: 'MIT', attribution: 'Tomo test fixtures' });

  // As compose-debian13.e2e: the test bed's kernel needs Docker's IPv6 switch in a container (a real machine does not).
  const dropIn = '/etc/systemd/system/docker.service.d/tomo-testbed-ipv6.conf';
  for (const argv of [['mkdir', '-p', '/etc/systemd/system/docker.service.d'], ['tee', dropIn]]) {
    const r = await server.exec(argv, { input: '[Service]\nEnvironment=DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1\n' });
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  const added = await k.request('POST', '/api/servers', { token, body: { name: 'trixie-stores', host: server.host, port: server.port, username: server.username, authType: 'password', credentials: { password: server.password } } });
  expect(added.status).toBe(201);
  const serverId = added.body.id as string;

  // An app Tomo cannot honour is refused before anything reaches the server, naming why.
  const exposed = await k.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'runtipi-tipi-exposed' } });
  expect(exposed.status).toBe(409);
  expect(exposed.body.error.message).toContain('force_expose');

  expect((await k.request('POST', `/api/servers/${serverId}/preparation`, { token, body: {} })).status).toBe(202);
  let prep: any;
  for (const deadline = Date.now() + 600000; ; ) {
    prep = (await k.request('GET', `/api/servers/${serverId}/preparation`, { token })).body;
    if (prep.status !== 'in_progress' || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect({ status: prep.status, error: prep.error }).toEqual({ status: 'completed', error: null });

  const sh = async (argv: string[]) => {
    const r = await server.exec(argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const ask = async (port: number, urlPath: string) => {
    const r = await server.exec(['bash', '-c', 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET %s HTTP/1.0\\r\\n\\r\\n" "$2" >&3 && cat <&3', 'ask', String(port), urlPath]);
    return r.code === 0 ? r.stdout.split('\r\n\r\n')[1] ?? '' : null;
  };
  // What the process sees (the image's busybox has no printenv); `variable` is one of this test's names.
  const seenBy = async (container: string, variable: string) => sh(['docker', 'exec', container, 'sh', '-c', `printf %s "$${variable}"`]);
  // What a user may type: shell and Compose syntax must arrive as text.
  const typed = (who: string) => `${who} $HOME $$ \`id\` "q" 'q' $(id) \${TZ} ;|&`;

  // Both installs at once: each pulls from the registry onto the server.
  const [tipi, umbrel] = await Promise.all([
    k.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'runtipi-tipi-notes', settings: { NOTES_GREETING: typed('tipi') } } }),
    k.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'umbrel-tomo-umbrel-notes', settings: { APP_PASSWORD: typed('umbrel') } } }),
  ]);
  expect([tipi.status, umbrel.status]).toEqual([202, 202]);
  const [tipiApp, umbrelApp] = await Promise.all([waitInstalled(k, token, tipi.body.installation.id, 300000), waitInstalled(k, token, umbrel.body.installation.id, 300000)]);
  for (const installed of [tipiApp, umbrelApp]) {
    expect(installed).toMatchObject({ state: 'running', error: null, deployment: 'compose' });
    expect(installed.progress.find((s: { id: string }) => s.id === 'pull')).toMatchObject({ state: 'done' });
  }

  // They answer on the ports their stores gave (config.json's port; umbrel-app.yml's port, for app_proxy's target).
  expect(await ask(18101, '/version')).toBe('webapp v1\n');
  expect(await ask(18201, '/version')).toBe('webapp v1\n');

  // The typed values reach the processes verbatim; the generated and default ones are there too.
  expect(await seenBy(`${tipiApp.projectName}-tipi-notes-1`, 'GREETING')).toBe(typed('tipi'));
  expect(await seenBy(`${tipiApp.projectName}-tipi-notes-1`, 'TZ')).toBe('Etc/UTC');
  expect(await seenBy(`${tipiApp.projectName}-tipi-notes-1`, 'APP_SECRET')).toMatch(/^[0-9a-f]{64}$/);
  expect(await seenBy(`${umbrelApp.projectName}-web-1`, 'ADMIN_PASSWORD')).toBe(typed('umbrel'));

  for (const installed of [tipiApp, umbrelApp]) {
    expect((await k.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token })).body).toEqual({ removed: true, dataDeleted: true });
  }
});
