import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { useSession } from '@tomo/ui-shell/kit';
import { errorReply, installFakeFetch, makeUser, type FakeCall, type FakeReply } from '../test-utils/fake-fetch';
import LoginPage from './LoginPage.vue';

async function mountLogin(path = '/login') {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginPage },
      { path: '/:rest(.*)*', component: { render: () => h('p', 'inside') } },
    ],
  });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(LoginPage, { global: { plugins: [pinia, router] } });
  return { wrapper, router };
}

/** The calls the sign-in made, without the single sign-on provider list every mount fetches. */
const signInCalls = (calls: FakeCall[]) => calls.filter((c) => !c.url.startsWith('/api/auth/oidc/providers'));

async function fillAndSubmit(wrapper: Awaited<ReturnType<typeof mountLogin>>['wrapper'], username: string, password: string) {
  const inputs = wrapper.findAll('input');
  await inputs[0].setValue(username);
  await inputs[1].setValue(password);
  await wrapper.get('form').trigger('submit');
}

describe('LoginPage', () => {
  afterEach(() => jest.useRealTimers());

  it('shows a message under each empty field and does not call the server', async () => {
    const { calls } = installFakeFetch({});
    const { wrapper } = await mountLogin();
    await wrapper.get('form').trigger('submit');
    const fields = wrapper.findAll('.t-field');
    expect(fields[0].get('.t-field__error').text()).toBe('Enter your username');
    expect(fields[1].get('.t-field__error').text()).toBe('Enter your password');
    expect(fields[0].get('input').attributes('aria-invalid')).toBe('true');
    expect(signInCalls(calls)).toHaveLength(0);

    await fields[0].get('input').setValue('alice');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.findAll('.t-field')[0].find('.t-field__error').exists()).toBe(false);
    expect(wrapper.findAll('.t-field')[1].get('.t-field__error').text()).toBe('Enter your password');
  });

  it('signs in, disables the button while waiting, and goes to the redirect target', async () => {
    let answer: (reply: FakeReply) => void = () => undefined;
    const { calls } = installFakeFetch({
      'POST /api/auth/login': () => new Promise<FakeReply>((resolve) => (answer = resolve)),
    });
    const { wrapper, router } = await mountLogin('/login?redirect=/tokens%3Fx%3D1');
    await fillAndSubmit(wrapper, ' alice ', 'a long enough password');
    await flushPromises();
    const button = wrapper.get('button[type="submit"]');
    expect(button.attributes('aria-busy')).toBe('true');
    expect(button.text()).toContain('Signing in');
    expect(signInCalls(calls)[0].body).toEqual({ username: 'alice', password: 'a long enough password' });

    answer({ body: { token: 't', expiresAt: '2030-01-01T00:00:00Z', user: makeUser({ username: 'alice' }) } });
    await flushPromises();
    expect(useSession().user?.username).toBe('alice');
    expect(router.currentRoute.value.fullPath).toBe('/tokens?x=1');
  });

  it('ignores a redirect target on another site', async () => {
    installFakeFetch({ 'POST /api/auth/login': { body: { token: 't', expiresAt: 'x', user: makeUser() } } });
    const { wrapper, router } = await mountLogin('/login?redirect=https://evil.example/phish');
    await fillAndSubmit(wrapper, 'admin', 'a long enough password');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/');
  });

  it("shows the server's message for wrong credentials and clears the password", async () => {
    installFakeFetch({ 'POST /api/auth/login': errorReply(401, 'invalid_credentials', 'Invalid username or password') });
    const { wrapper, router } = await mountLogin();
    await fillAndSubmit(wrapper, 'admin', 'wrong password!!');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe('Invalid username or password');
    expect((wrapper.findAll('input')[1].element as HTMLInputElement).value).toBe('');
    expect(router.currentRoute.value.path).toBe('/login');
    expect(useSession().user).toBeNull();
  });

  it('on 429 tells how long to wait and keeps the button disabled until then', async () => {
    jest.useFakeTimers();
    installFakeFetch({ 'POST /api/auth/login': errorReply(429, 'too_many_requests', 'Too many attempts', undefined, { 'Retry-After': '2' }) });
    const { wrapper } = await mountLogin();
    await fillAndSubmit(wrapper, 'admin', 'whatever password');
    await flushPromises();
    expect(wrapper.get('.t-alert--warning').text()).toBe('Too many sign-in attempts. Try again in 2 seconds.');
    expect(wrapper.get('button[type="submit"]').attributes('disabled')).toBeDefined();

    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(wrapper.get('.t-alert--warning').text()).toBe('Too many sign-in attempts. Try again in 1 second.');
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(wrapper.find('.t-alert--warning').exists()).toBe(false);
    expect(wrapper.get('button[type="submit"]').attributes('disabled')).toBeUndefined();
  });

  describe('the second factor', () => {
    const required = { status: 401, body: { error: { code: 'second_factor_required', message: 'Two-factor on' }, challenge: 'ch-1', methods: ['totp', 'recovery'] } };

    it('asks for the code after the password, sends it with the challenge, and signs in', async () => {
      const { calls } = installFakeFetch({
        'POST /api/auth/login': required,
        'POST /api/auth/login/second-factor': { body: { token: 't', expiresAt: 'x', user: makeUser({ username: 'alice' }), twoFactorEnrolmentRequired: false } },
      });
      const { wrapper, router } = await mountLogin('/login?redirect=/tokens');
      await fillAndSubmit(wrapper, 'alice', 'a long enough password');
      await flushPromises();
      expect(wrapper.text()).toContain('Two-factor authentication');
      expect(useSession().user).toBeNull();
      const code = wrapper.get('[data-test="second-factor"] input');
      expect(code.attributes('autocomplete')).toBe('one-time-code');
      await wrapper.get('[data-test="second-factor"]').trigger('submit');
      expect(wrapper.get('.t-field__error').text()).toBe('Enter the 6-digit code from your authenticator app');
      await code.setValue('123 456');
      await wrapper.get('[data-test="second-factor"]').trigger('submit');
      await flushPromises();
      expect(signInCalls(calls)[1].body).toEqual({ challenge: 'ch-1', code: '123456' });
      expect(useSession().user?.username).toBe('alice');
      expect(router.currentRoute.value.fullPath).toBe('/tokens');
    });

    it('offers a recovery code instead; a wrong code is said under the field; an expired challenge goes back to the password', async () => {
      let answer = errorReply(401, 'invalid_second_factor', 'code: wrong', 'code');
      const { calls } = installFakeFetch({ 'POST /api/auth/login': required, 'POST /api/auth/login/second-factor': () => answer });
      const { wrapper } = await mountLogin();
      await fillAndSubmit(wrapper, 'alice', 'a long enough password');
      await flushPromises();
      await wrapper.findAll('button').find((b) => b.text() === 'Use a recovery code instead')!.trigger('click');
      expect(wrapper.get('label').text()).toContain('Recovery code');
      await wrapper.get('[data-test="second-factor"] input').setValue('ABCD-EFGH-JKMN-PQRS');
      await wrapper.get('[data-test="second-factor"]').trigger('submit');
      await flushPromises();
      expect(signInCalls(calls)[1].body).toEqual({ challenge: 'ch-1', code: 'ABCD-EFGH-JKMN-PQRS' });
      expect(wrapper.get('.t-field__error').text()).toBe('That recovery code is wrong or was already used');
      answer = errorReply(401, 'invalid_challenge', 'challenge: expired', 'challenge');
      await wrapper.get('[data-test="second-factor"] input').setValue('ABCD-EFGH-JKMN-PQRT');
      await wrapper.get('[data-test="second-factor"]').trigger('submit');
      await flushPromises();
      expect(wrapper.find('[data-test="second-factor"]').exists()).toBe(false);
      expect(wrapper.get('[role="alert"]').text()).toContain('Enter your password again');
    });

    it('sends a user the policy asks to enrol to the Account page', async () => {
      installFakeFetch({ 'POST /api/auth/login': { body: { token: 't', expiresAt: 'x', user: makeUser(), twoFactorEnrolmentRequired: true } } });
      const { wrapper, router } = await mountLogin('/login?redirect=/tokens');
      await fillAndSubmit(wrapper, 'admin', 'a long enough password');
      await flushPromises();
      expect(router.currentRoute.value.fullPath).toBe('/account?enrol=two-factor');
    });
  });

  describe('single sign-on', () => {
    it('offers one "Log in with …" link per provider, each to its start route', async () => {
      const { calls } = installFakeFetch({
        'GET /api/auth/oidc/providers': { body: { providers: [{ id: 'authentik', displayName: 'Authentik' }, { id: 'key cloak', displayName: 'Keycloak' }], localLogin: true } },
      });
      const { wrapper } = await mountLogin();
      await flushPromises();
      expect(calls.map((c) => `${c.method} ${c.url}`)).toContain('GET /api/auth/oidc/providers');
      const links = wrapper.findAll('[data-test="oidc-providers"] a');
      expect(links.map((a) => a.text())).toEqual(['Log in with Authentik', 'Log in with Keycloak']);
      expect(links.map((a) => a.attributes('href'))).toEqual(['/api/auth/oidc/authentik/start', '/api/auth/oidc/key%20cloak/start']);
      // The password form stays (a break-glass admin, or accounts without a provider).
      expect(wrapper.find('form').exists()).toBe(true);
    });

    it('shows no single sign-on buttons when none is configured, or the list cannot be had', async () => {
      installFakeFetch({ 'GET /api/auth/oidc/providers': { body: { providers: [], localLogin: true } } });
      const { wrapper } = await mountLogin();
      await flushPromises();
      expect(wrapper.find('[data-test="oidc-providers"]').exists()).toBe(false);
      expect(wrapper.text()).not.toContain('Log in with');

      installFakeFetch({ 'GET /api/auth/oidc/providers': errorReply(500, 'internal', 'boom') });
      const second = await mountLogin();
      await flushPromises();
      expect(second.wrapper.find('[data-test="oidc-providers"]').exists()).toBe(false);
    });

    it.each([
      ['invalid_state', 'took too long or was started in another browser'],
      ['signup_not_allowed', 'There is no Tomo account for your email address'],
      ['email_not_verified', 'has not verified your email address'],
      ['provider_error', 'The identity provider did not complete the sign-in'],
      ['invalid_response', 'could not be verified'],
      ['unknown_provider', 'not configured on this Tomo'],
      ['user_disabled', 'Your Tomo account is disabled'],
      ['conflict', 'no free username'],
      ['login_failed', 'Single sign-on failed. Please try again.'],
      ['something_new', 'Single sign-on failed. Please try again.'],
    ])('explains ?oidcError=%s in words', async (code, words) => {
      installFakeFetch({});
      const { wrapper } = await mountLogin(`/login?oidcError=${code}`);
      await flushPromises();
      const alert = wrapper.get('[data-test="oidc-error"]');
      expect(alert.attributes('role')).toBe('alert');
      expect(alert.text()).toContain(words);
      expect(alert.text()).not.toContain(code);
    });

    it('shows no single sign-on message without ?oidcError', async () => {
      installFakeFetch({});
      const { wrapper } = await mountLogin('/login');
      await flushPromises();
      expect(wrapper.find('[data-test="oidc-error"]').exists()).toBe(false);
      expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    });
  });
});
