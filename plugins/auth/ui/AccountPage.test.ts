import { useSession, useToasts } from '@tomo/ui-shell/kit';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { errorReply, installFakeFetch, makeUser, sessionReply } from '../../../ui-shell/src/test-utils/fake-fetch';
import AccountPage from './AccountPage.vue';

describe('AccountPage', () => {
  it('shows the profile and changes the password, with server errors under the right field', async () => {
    const me = makeUser({ username: 'alice', email: 'alice@example.com', role: 'user' });
    let attempt = 0;
    const { calls } = installFakeFetch({
      'GET /api/auth/session': sessionReply(me),
      'GET /api/auth/passkeys': { body: { passkeys: [] } },
      'GET /api/auth/oidc/identities': { body: { identities: [] } },
      'GET /api/auth/oidc/providers': { body: { providers: [], localLogin: true } },
      'POST /api/auth/me/password': () =>
        ++attempt === 1 ? errorReply(400, 'invalid_current_password', 'currentPassword: does not match', 'currentPassword') : { status: 204 },
    });
    setActivePinia(createPinia());
    useSession().setUser(makeUser({ username: 'alice', email: 'old@example.com', role: 'user' }));
    const wrapper = mount(AccountPage);
    await flushPromises();
    expect(wrapper.get('.t-facts').text()).toContain('alice@example.com');
    expect(wrapper.get('.t-facts').text()).toContain('User');
    expect(wrapper.get('#linked-sign-in').text()).toContain('No linked sign-ins.');

    // The password form's three fields (the Passkeys card below has its own form).
    const inputs = wrapper.get('form').findAll('input');
    await inputs[0].setValue('old password!!');
    await inputs[1].setValue('old password!!');
    await inputs[2].setValue('old password!!');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.findAll('.t-field')[1].get('.t-field__error').text()).toBe('Choose a password different from the current one');

    await inputs[1].setValue('a brand new password');
    await inputs[2].setValue('a brand new password');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ currentPassword: 'old password!!', newPassword: 'a brand new password' });
    expect(wrapper.findAll('.t-field')[0].get('.t-field__error').text()).toBe('Does not match');

    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(useToasts().toasts.map((t) => t.message)).toContain('Your password has been changed');
    expect(inputs.map((i) => (i.element as HTMLInputElement).value)).toEqual(['', '', '']);
  });
});
