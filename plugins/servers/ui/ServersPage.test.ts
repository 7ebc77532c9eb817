import { useToasts } from '@tomo/ui-shell/kit';
import { DOMWrapper, enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, makeUser, type FakeReply } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { ConnectionTestResult, PublicServer } from './api';
import { listRefresh } from './composables';
import { DEBIAN_FACTS, FINGERPRINT_NEW, FINGERPRINT_OLD, makeServer, panelRouter, RouteOutlet, signIn } from './test-fixtures';

enableAutoUnmount(afterEach);

const admin = makeUser();
const alice = makeUser({ id: 'u-alice', username: 'alice', role: 'user' });
const minutesAgo = (n: number) => new Date(Date.now() - n * 60000).toISOString();

const nas = makeServer({ status: 'online', facts: DEBIAN_FACTS, lastCheckedAt: minutesAgo(5), hostKey: { fingerprint: FINGERPRINT_OLD, algorithm: 'ssh-ed25519', firstSeenAt: '2025-03-01T10:05:00.000Z' } });
const backup = makeServer({ id: 'id-backup', name: 'backup', host: 'backup.lan', status: 'offline', lastError: 'Connection refused: nothing listens on that port', lastCheckedAt: minutesAgo(90) });
const web = makeServer({ id: 'id-web', name: 'web', host: 'web.example.com', username: 'deploy', status: 'error', lastError: 'Authentication failed', lastCheckedAt: minutesAgo(2) });
const pi = makeServer({ id: 'id-pi', name: 'pi', host: 'fd00::5', port: 2222, username: 'pi' });

async function mountPage(servers: PublicServer[], user = admin, routes: Record<string, FakeReply | ((call: { body: unknown }) => FakeReply | Promise<FakeReply>)> = {}) {
  const fetch = installFakeFetch({ 'GET /api/servers': { body: { servers } }, ...routes });
  signIn(user);
  const router = await panelRouter('/servers');
  const wrapper = mount(RouteOutlet, { global: { plugins: [router], stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router, calls: fetch.calls, routes: fetch.routes };
}

const row = (wrapper: VueWrapper, name: string) => wrapper.get(`tr[data-server="${name}"]`);
const note = (wrapper: VueWrapper, name: string) => wrapper.find(`tr[data-note-for="${name}"]`);
const button = (wrapper: { findAll(selector: string): DOMWrapper<Element>[] }, text: string) => {
  const found = wrapper.findAll('button').find((b) => b.text() === text || b.attributes('aria-label') === text);
  if (!found) throw new Error(`No button ${text}`);
  return found;
};

function field(wrapper: VueWrapper, label: string): DOMWrapper<Element> {
  const found = wrapper.findAll('[role="dialog"] .t-field').find((f) => f.get('label').text().replace(/\s*\*$/, '') === label);
  if (!found) throw new Error(`No field labelled ${label}`);
  return found;
}
const errorOf = (wrapper: VueWrapper, label: string) => field(wrapper, label).find('.t-field__error');

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) await field(wrapper, label).get('input, textarea').setValue(value);
}

/** A route that answers only when the test says so (to see the page while it waits). */
function held(): { route: () => Promise<FakeReply>; answer: (reply: FakeReply) => Promise<void> } {
  let release: (reply: FakeReply) => void = () => undefined;
  return {
    route: () => new Promise<FakeReply>((r) => (release = r)),
    answer: async (reply) => {
      release(reply);
      await flushPromises();
    },
  };
}

describe('ServersPage', () => {
  it('refreshes the list by itself, quietly: a status the poller recorded shows without a reload', async () => {
    const usual = listRefresh.ms;
    listRefresh.ms = 30;
    try {
      const { wrapper, routes, calls } = await mountPage([backup, nas]);
      expect(row(wrapper, 'backup').get('[data-status]').attributes('data-status')).toBe('offline');
      routes['GET /api/servers'] = { body: { servers: [{ ...backup, status: 'online', lastError: null }, nas] } };
      for (let i = 0; i < 100 && row(wrapper, 'backup').get('[data-status]').attributes('data-status') !== 'online'; i++) await new Promise((r) => setTimeout(r, 10));
      expect(row(wrapper, 'backup').get('[data-status]').attributes('data-status')).toBe('online');
      expect(wrapper.find('[role="status"]').exists()).toBe(false);
      // A failed refresh keeps the list (no error banner); leaving the page stops the refreshes.
      routes['GET /api/servers'] = errorReply(503, 'unavailable', 'Try later');
      await new Promise((r) => setTimeout(r, 100));
      expect(wrapper.find('tr[data-server="nas"]').exists()).toBe(true);
      expect(wrapper.find('[role="alert"]').exists()).toBe(false);
      wrapper.unmount();
      const before = calls.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(calls.length).toBe(before);
    } finally {
      listRefresh.ms = usual;
    }
  });

  it('lists servers with status badges, address, user, OS and last check; a name opens its page', async () => {
    const { wrapper, router } = await mountPage([web, nas, pi, backup]);
    expect(wrapper.findAll('tbody tr[data-server]').map((r) => r.attributes('data-server'))).toEqual(['backup', 'nas', 'pi', 'web']);

    const badge = (name: string) => row(wrapper, name).get('.servers-status');
    expect([badge('nas').text(), badge('nas').classes()]).toEqual(['Online', expect.arrayContaining(['t-badge--success'])]);
    expect([badge('backup').text(), badge('backup').classes()]).toEqual(['Offline', expect.arrayContaining(['t-badge--warning'])]);
    expect([badge('web').text(), badge('web').classes()]).toEqual(['Error', expect.arrayContaining(['t-badge--danger'])]);
    expect([badge('pi').text(), badge('pi').classes()]).toEqual(['Unknown', expect.arrayContaining(['t-badge--neutral'])]);
    expect(badge('web').attributes('title')).toBe('Authentication failed');

    const cells = (name: string) => row(wrapper, name).findAll('td').map((td) => td.text());
    expect(cells('nas').slice(0, 6)).toEqual(['nas', 'Online', '192.168.1.20:22', 'admin', 'Debian GNU/Linux 12 (bookworm)', '5 minutes ago']);
    expect(cells('pi').slice(2, 6)).toEqual(['[fd00::5]:2222', 'pi', '—', 'Never']);
    expect(cells('backup')[5]).toMatch(/hour/);
    // A failed last check is explained under the row.
    expect(note(wrapper, 'backup').text()).toContain('Last check failed: Connection refused');
    expect(note(wrapper, 'nas').exists()).toBe(false);

    await row(wrapper, 'nas').get('a').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe(`/servers/${nas.id}`);
  });

  it('explains what to do first when there are no servers', async () => {
    const { wrapper } = await mountPage([]);
    expect(wrapper.find('table').exists()).toBe(false);
    const empty = wrapper.get('.t-empty');
    expect(empty.text()).toContain('No servers yet');
    expect(empty.text()).toContain('Add the first machine');
    await button(empty, 'Add server').trigger('click');
    expect(wrapper.get('[role="dialog"] h2').text()).toBe('Add server');
  });

  it('add dialog: checks fields first, places server field errors under their fields, then adds the row', async () => {
    const created = makeServer({ id: 'id-new', name: 'nas2', host: 'nas2.lan', port: 2222, username: 'tomo' });
    const { wrapper, calls } = await mountPage([nas], admin, {
      'POST /api/servers': (call) => {
        const body = call.body as { name: string; host: string };
        if (body.name === 'nas') return errorReply(409, 'conflict', 'You already have a server named "nas"', 'name');
        if (body.host === 'nas2.invalid') return errorReply(400, 'validation_failed', 'host: must be a DNS name (letters, digits, "-" and ".") or an IPv4/IPv6 address', 'host');
        return { status: 201, body: created };
      },
    });
    await button(wrapper, 'Add server').trigger('click');
    const form = wrapper.get('[role="dialog"] form');
    expect((field(wrapper, 'Port').get('input').element as HTMLInputElement).value).toBe('22');

    await form.trigger('submit');
    expect(errorOf(wrapper, 'Name').text()).toContain('Enter a name');
    expect(errorOf(wrapper, 'Host').text()).toBe('Enter a host name or IP address');
    expect(errorOf(wrapper, 'Username').text()).toBe('Enter the user Tomo logs in as');
    expect(errorOf(wrapper, 'Password').text()).toBe('Enter the password');
    expect(errorOf(wrapper, 'Port').exists()).toBe(false);

    await fill(wrapper, { Name: 'my;server', Host: 'root@10.0.0.1', Port: '70000', Username: '-x', Password: 's3cret-password' });
    await form.trigger('submit');
    expect(errorOf(wrapper, 'Name').text()).toContain('Do not use any of $ ` ;');
    expect(errorOf(wrapper, 'Host').text()).toBe('Enter only the host; put the user name in the Username field');
    expect(errorOf(wrapper, 'Port').text()).toBe('Use a port from 1 to 65535');
    expect(errorOf(wrapper, 'Username').text()).toContain('not starting with "-" or "."');
    expect(errorOf(wrapper, 'Password').exists()).toBe(false);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    // The server's word: a duplicate name goes under Name…
    await fill(wrapper, { Name: 'nas', Host: 'nas2.lan', Port: '2222', Username: 'tomo' });
    await form.trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST')[0].body).toEqual({ name: 'nas', host: 'nas2.lan', port: 2222, username: 'tomo', authType: 'password', credentials: { password: 's3cret-password' } });
    expect(errorOf(wrapper, 'Name').text()).toBe('You already have a server named "nas"');
    expect(errorOf(wrapper, 'Host').exists()).toBe(false);

    // …and a host the server rejects goes under Host, without the "host: " prefix.
    await fill(wrapper, { Name: 'nas2', Host: 'nas2.invalid' });
    await form.trigger('submit');
    await flushPromises();
    expect(errorOf(wrapper, 'Host').text()).toBe('Must be a DNS name (letters, digits, "-" and ".") or an IPv4/IPv6 address');
    expect(errorOf(wrapper, 'Name').exists()).toBe(false);
    expect(wrapper.find('[role="dialog"] .t-alert--danger').exists()).toBe(false);

    await fill(wrapper, { Host: 'nas2.lan' });
    await form.trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(wrapper.findAll('tbody tr[data-server]').map((r) => r.attributes('data-server'))).toEqual(['nas', 'nas2']);
    expect(useToasts().toasts.map((t) => t.message)).toContain('Server nas2 added. Test the connection to check it.');
    // The password went into the request only: it is not kept in the page.
    expect(document.body.innerHTML).not.toContain('s3cret-password');
    await button(wrapper, 'Add server').trigger('click');
    expect((field(wrapper, 'Password').get('input').element as HTMLInputElement).value).toBe('');
  });

  it('a server error without a field is shown above the buttons', async () => {
    const { wrapper } = await mountPage([nas], admin, { 'POST /api/servers': errorReply(500, 'internal', 'Internal error (request 9)') });
    await button(wrapper, 'Add server').trigger('click');
    await fill(wrapper, { Name: 'x', Host: '10.0.0.9', Username: 'root', Password: 'pw' });
    await wrapper.get('[role="dialog"] form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="dialog"] .t-alert--danger').text()).toBe('Internal error (request 9)');
  });

  it('Test: spinner while it runs, then latency and OS, and the host key to compare on first contact', async () => {
    const fresh = makeServer({ id: 'id-fresh', name: 'fresh' });
    const test = held();
    const result: ConnectionTestResult = {
      ok: true,
      status: 'online',
      latency: { connectMs: 12.4, commandMs: 40 },
      hostKey: { fingerprint: FINGERPRINT_NEW, algorithm: 'ssh-ed25519', firstSeen: true },
      facts: DEBIAN_FACTS,
    };
    const after = { ...fresh, status: 'online' as const, facts: DEBIAN_FACTS, lastCheckedAt: new Date().toISOString(), hostKey: { fingerprint: FINGERPRINT_NEW, algorithm: 'ssh-ed25519', firstSeenAt: new Date().toISOString() } };
    const { wrapper, calls } = await mountPage([fresh], admin, { 'POST /api/servers/id-fresh/test': test.route, 'GET /api/servers/id-fresh': { body: after } });

    const testButton = button(wrapper, 'Test the connection to fresh');
    await testButton.trigger('click');
    expect(testButton.attributes('aria-busy')).toBe('true');
    expect(testButton.find('.t-spinner').exists()).toBe(true);
    expect(note(wrapper, 'fresh').text()).toContain('Testing the connection to 192.168.1.20');
    // A second click while it runs does not start another test.
    await testButton.trigger('click');
    expect(calls.filter((c) => c.url.endsWith('/test'))).toHaveLength(1);

    await test.answer({ body: result });
    expect(testButton.attributes('aria-busy')).toBeUndefined();
    const line = note(wrapper, 'fresh');
    expect(line.get('[data-test-result="ok"]').text()).toBe('✓ Connected in 12 ms, command 40 ms · Debian GNU/Linux 12 (bookworm)');
    const hostKey = line.get('[data-host-key-first-seen]');
    expect(hostKey.text()).toContain(FINGERPRINT_NEW);
    expect(hostKey.text()).toContain('Compare with ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server.');
    // The row shows the server as it now is.
    expect(row(wrapper, 'fresh').get('.servers-status').text()).toBe('Online');
    expect(row(wrapper, 'fresh').findAll('td')[4].text()).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(row(wrapper, 'fresh').findAll('td')[5].text()).toBe('just now');
  });

  it('Test: a failed connection shows its reason; a failed request shows the API message', async () => {
    const failed = { ...web, lastCheckedAt: new Date().toISOString() };
    const { wrapper, routes } = await mountPage([web], admin, {
      'POST /api/servers/id-web/test': { body: { ok: false, status: 'error', error: { code: 'auth_failed', message: 'Authentication failed: the server refused the username, password or key' } } },
      'GET /api/servers/id-web': { body: failed },
    });
    await button(wrapper, 'Test the connection to web').trigger('click');
    await flushPromises();
    const alert = note(wrapper, 'web').get('[data-test-result="error"]');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.text()).toBe('Authentication failed: the server refused the username, password or key');
    expect(note(wrapper, 'web').find('[data-test-result="ok"]').exists()).toBe(false);
    expect(row(wrapper, 'web').get('.servers-status').text()).toBe('Error');

    routes['POST /api/servers/id-web/test'] = errorReply(500, 'credentials_unreadable', 'The stored credentials of this server cannot be decrypted; enter them again');
    await button(wrapper, 'Test the connection to web').trigger('click');
    await flushPromises();
    expect(note(wrapper, 'web').get('[data-test-result="error"]').text()).toContain('cannot be decrypted');
  });

  it('host key changed: a prominent warning with both fingerprints; an admin may accept the new key', async () => {
    const changed = makeServer({
      status: 'error',
      lastError: 'Host key changed: …',
      hostKey: { fingerprint: FINGERPRINT_OLD, algorithm: 'ssh-ed25519', firstSeenAt: '2025-03-01T10:05:00.000Z' },
      pendingHostKey: { fingerprint: FINGERPRINT_NEW, algorithm: 'ssh-ed25519', seenAt: '2025-03-09T08:00:00.000Z' },
    });
    const accepted = { ...changed, status: 'unknown' as const, lastError: null, pendingHostKey: null, hostKey: { fingerprint: FINGERPRINT_NEW, algorithm: 'ssh-ed25519', firstSeenAt: new Date().toISOString() } };
    const { wrapper, calls } = await mountPage([changed], admin, { [`POST /api/servers/${changed.id}/host-key/accept`]: { body: accepted } });

    const warning = note(wrapper, 'nas').get('[data-host-key-changed]');
    expect(warning.attributes('role')).toBe('alert');
    expect(warning.get('.servers-hostkey__title').text()).toBe('Host key changed');
    expect(warning.get('[data-key="trusted"]').text()).toBe(FINGERPRINT_OLD);
    expect(warning.get('[data-key="pending"]').text()).toBe(FINGERPRINT_NEW);
    expect(warning.text()).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');

    await button(warning, 'Accept new key').trigger('click');
    const confirm = wrapper.get('[role="dialog"]');
    expect(confirm.text()).toContain('Trust the new host key of nas?');
    expect(confirm.text()).toContain(FINGERPRINT_NEW);
    expect(calls.some((c) => c.url.endsWith('/host-key/accept'))).toBe(false);
    await button(confirm, 'Accept new key').trigger('click');
    await flushPromises();
    expect(calls.find((c) => c.url.endsWith('/host-key/accept'))?.body).toEqual({ fingerprint: FINGERPRINT_NEW });
    expect(wrapper.find('[data-host-key-changed]').exists()).toBe(false);
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(row(wrapper, 'nas').get('.servers-status').text()).toBe('Unknown');
  });

  it('host key changed: a user sees the warning but no accept action', async () => {
    const changed = makeServer({
      ownerId: alice.id,
      status: 'error',
      hostKey: { fingerprint: FINGERPRINT_OLD, algorithm: 'ssh-ed25519', firstSeenAt: '2025-03-01T10:05:00.000Z' },
      pendingHostKey: { fingerprint: FINGERPRINT_NEW, algorithm: 'ssh-ed25519', seenAt: '2025-03-09T08:00:00.000Z' },
    });
    const { wrapper } = await mountPage([changed], alice);
    const warning = wrapper.get('[data-host-key-changed]');
    expect(warning.text()).toContain(FINGERPRINT_NEW);
    expect(warning.findAll('button').map((b) => b.text())).not.toContain('Accept new key');
    expect(warning.text()).toContain('Ask an admin to check the new key and accept it.');
  });

  it('deletes a server after a confirmation that names it and says what happens', async () => {
    const { wrapper, calls } = await mountPage([nas, web], admin, { [`DELETE /api/servers/${nas.id}`]: { status: 204 } });
    await button(wrapper, 'Delete nas').trigger('click');
    const confirm = wrapper.get('[role="dialog"]');
    expect(confirm.get('h2').text()).toBe('Delete nas?');
    expect(confirm.text()).toContain('deletes its stored credentials');
    expect(confirm.text()).toContain('The machine itself is not touched');

    await button(confirm, 'Cancel').trigger('click');
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await button(wrapper, 'Delete nas').trigger('click');
    await button(wrapper.get('[role="dialog"]'), 'Delete server').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`/api/servers/${nas.id}`]);
    expect(wrapper.findAll('tbody tr[data-server]').map((r) => r.attributes('data-server'))).toEqual(['web']);
    expect(useToasts().toasts.map((t) => t.message)).toContain('Server nas deleted');
  });

  it('edit: fields filled in, credentials optional, only the changes are sent', async () => {
    const { wrapper, calls } = await mountPage([nas], admin, { [`PATCH /api/servers/${nas.id}`]: (call) => ({ body: { ...nas, ...(call.body as object), status: 'unknown' } }) });
    await button(wrapper, 'Edit nas').trigger('click');
    expect(wrapper.get('[role="dialog"] h2').text()).toBe('Edit nas');
    const value = (label: string) => (field(wrapper, label).get('input').element as HTMLInputElement).value;
    expect([value('Name'), value('Host'), value('Port'), value('Username'), value('Password')]).toEqual(['nas', '192.168.1.20', '22', 'admin', '']);
    expect(field(wrapper, 'Password').text()).toContain('Leave empty to keep the stored credentials.');

    await fill(wrapper, { Port: '2200' });
    expect(wrapper.get('[role="dialog"]').text()).toContain('Tomo forgets the trusted host key');
    await wrapper.get('[role="dialog"] form').trigger('submit');
    await flushPromises();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ port: 2200 });
    expect(row(wrapper, 'nas').findAll('td')[2].text()).toBe('192.168.1.20:2200');
  });

  it('edit: switching the authentication type makes the new credentials required', async () => {
    const { wrapper, calls } = await mountPage([nas], admin);
    await button(wrapper, 'Edit nas').trigger('click');
    await wrapper.get('input[type="radio"][value="key"]').setValue(true);
    expect(field(wrapper, 'Private key').text()).toContain('Required: the authentication type changes.');
    await wrapper.get('[role="dialog"] form').trigger('submit');
    expect(errorOf(wrapper, 'Private key').text()).toBe('Paste the private key or load it from a file');
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('shows a load failure with a way to try again', async () => {
    const { wrapper, routes } = await mountPage([], admin, { 'GET /api/servers': errorReply(503, 'unavailable', 'The database is busy') });
    expect(wrapper.get('[role="alert"]').text()).toContain('The servers could not be loaded: The database is busy');
    routes['GET /api/servers'] = { body: { servers: [nas] } };
    await button(wrapper, 'Try again').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('tbody tr[data-server]')).toHaveLength(1);
  });
});
