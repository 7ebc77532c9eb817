import { flushPromises } from '@vue/test-utils';
import { errorReply, installFakeFetch, makeUser, sessionReply } from '../test-utils/fake-fetch';
import { mountShell } from '../test-utils/mount-shell';

describe('SetupPage', () => {
  it('explains where the code is, checks the form, creates the admin and opens the console', async () => {
    const admin = makeUser({ username: 'root-admin' });
    const { calls } = installFakeFetch({
      'GET /api/auth/session': sessionReply(null),
      'GET /api/auth/setup': { body: { needsSetup: true } },
      'POST /api/auth/setup': (call) =>
        (call.body as { setupCode: string }).setupCode === 'good-code'
          ? { status: 201, body: { user: admin } }
          : errorReply(403, 'invalid_setup_code', 'The setup code is wrong'),
      'GET /api/ui/manifest': { body: { plugins: [] } },
    });
    const { wrapper, router, unmount } = await mountShell('/');
    expect(router.currentRoute.value.name).toBe('setup');
    expect(wrapper.text()).toContain("printed in Tomo's log at start");

    const inputs = () => wrapper.findAll('input');
    await inputs()[0].setValue('bad-code');
    await inputs()[1].setValue('root-admin');
    await inputs()[2].setValue('root@example.com');
    await inputs()[3].setValue('a long enough password');
    await inputs()[4].setValue('a different password');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.findAll('.t-field')[4].get('.t-field__error').text()).toBe('The passwords do not match');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await inputs()[4].setValue('a long enough password');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.findAll('.t-field')[0].get('.t-field__error').text()).toContain('setup code is not right');
    expect(router.currentRoute.value.name).toBe('setup');

    await inputs()[0].setValue(' good-code ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST').at(-1)!.body).toEqual({ setupCode: 'good-code', username: 'root-admin', email: 'root@example.com', password: 'a long enough password' });
    expect(router.currentRoute.value.name).toBe('dashboard');
    expect(wrapper.get('.user-menu__button').text()).toContain('root-admin');
    unmount();
  });
});
