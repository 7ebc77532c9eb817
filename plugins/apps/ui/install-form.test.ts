import { clearProblems, createInstallForm, placeProblems, requestOf, validateForm } from './install-form';
import { DNS_APP, makeApp } from './test-fixtures';

describe('install form', () => {
  it('starts from the definition: host ports, required ports published, optional ones offered, defaults, no capability', () => {
    const form = createInstallForm(DNS_APP);
    expect(form.ports.map((p) => [p.key, p.host, p.publish, p.optional])).toEqual([
      ['53/tcp', '53', true, false],
      ['53/udp', '53', true, false],
      ['80/tcp', '8081', true, false],
      ['67/udp', '67', false, true],
    ]);
    expect(form.settings).toEqual({ ADMIN_USER: '', ADMIN_PASSWORD: '', API_KEY: '', MODE: 'all', TZ: 'Etc/UTC' });
    expect(form.capabilities).toEqual({ NET_ADMIN: false });
  });

  it('builds the request: every port, only settings with a value, the capabilities opted in to', () => {
    const form = createInstallForm(DNS_APP);
    form.ports[2].host = ' 9090 ';
    form.ports[3].publish = false;
    form.settings.ADMIN_USER = 'me';
    form.settings.TZ = '';
    form.capabilities.NET_ADMIN = true;
    expect(requestOf(form)).toEqual({
      appId: 'dns-box',
      ports: { '53/tcp': 53, '53/udp': 53, '80/tcp': 9090, '67/udp': null },
      settings: { ADMIN_USER: 'me', MODE: 'all' },
      capabilities: ['NET_ADMIN'],
    });
    expect(requestOf(createInstallForm(makeApp({ ports: [], env: [] })))).toEqual({ appId: 'uptime-kuma' });
  });

  it('a host-network app keeps its ports fixed', () => {
    const form = createInstallForm(makeApp({ hostAccess: { privileged: false, hostNetwork: true, dockerSocket: false, capabilities: [], hostPaths: [] } }));
    expect(form.ports[0].fixed).toBe(true);
  });

  it("places the server's problems under known fields (without the field's name) and the rest at form level", () => {
    const form = createInstallForm(DNS_APP);
    expect(
      placeProblems(form, [
        { field: 'settings.TZ', message: 'settings.TZ: must be a time zone' },
        { field: 'capabilities', message: 'NET_ADMIN needs an administrator' },
        { message: 'Something else' },
      ]),
    ).toBe(true);
    expect(form.errors).toEqual({ 'settings.TZ': 'Must be a time zone' });
    expect(form.formErrors).toEqual(['NET_ADMIN needs an administrator', 'Something else']);
    expect(placeProblems(form, [{ field: 'serverId', message: 'offline' }])).toBe(false);
    clearProblems(form);
    expect([form.errors, form.formErrors]).toEqual([{}, []]);
  });

  it('validates and clears earlier messages', () => {
    const form = createInstallForm(DNS_APP);
    form.formErrors.push('old');
    expect(validateForm(form)).toBe(false);
    expect(form.errors).toEqual({ 'settings.ADMIN_USER': 'Enter Admin user' });
    expect(form.formErrors).toEqual([]);
    form.settings.ADMIN_USER = 'me';
    expect(validateForm(form)).toBe(true);
  });
});
