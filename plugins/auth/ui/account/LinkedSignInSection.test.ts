import { useToasts } from '@tomo/ui-shell/kit';
import { flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { errorReply, installFakeFetch } from '../../../../ui-shell/src/test-utils/fake-fetch';
import LinkedSignInSection from './LinkedSignInSection.vue';

const ID1 = '5d0c9a8e-1f7b-4c1e-9a53-0b6f6c2d9e11';
const ID2 = '8a4f0b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b';
const authentik = { id: ID1, provider: 'authentik', issuer: 'https://sso.example/application/o/tomo/', email: 'alice@example.com', createdAt: '2026-11-02T09:00:00Z', lastLoginAt: '2026-12-01T08:30:00Z' };
const legacy = { id: ID2, provider: 'old-idp', issuer: 'https://old.example/', email: null, createdAt: '2026-10-01T09:00:00Z', lastLoginAt: null };
const providers = { body: { providers: [{ id: 'authentik', displayName: 'Authentik' }], localLogin: true } };

async function mountSection() {
  setActivePinia(createPinia());
  const wrapper = mount(LinkedSignInSection, { global: { stubs: { teleport: true } } });
  await flushPromises();
  return wrapper;
}

const button = (wrapper: VueWrapper, text: string) => wrapper.findAll('button').find((b) => b.text() === text);

describe('LinkedSignInSection', () => {
  it('lists the linked identities: provider by its button name (else its id), email (else issuer), linked and last used', async () => {
    installFakeFetch({ 'GET /api/auth/oidc/identities': { body: { identities: [authentik, legacy] } }, 'GET /api/auth/oidc/providers': providers });
    const wrapper = await mountSection();
    const rows = wrapper.findAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0].attributes('data-identity')).toBe(ID1);
    expect(rows[0].text()).toContain('Authentik');
    expect(rows[0].text()).toContain('alice@example.com');
    expect(rows[0].text()).not.toContain('Never');
    expect(rows[1].text()).toContain('old-idp');
    expect(rows[1].text()).toContain('https://old.example/');
    expect(rows[1].text()).toContain('Never');
  });

  it('says so when nothing is linked, and offers a retry when the list fails', async () => {
    const { routes } = installFakeFetch({ 'GET /api/auth/oidc/identities': { body: { identities: [] } }, 'GET /api/auth/oidc/providers': providers });
    const wrapper = await mountSection();
    expect(wrapper.text()).toContain('No linked sign-ins.');
    expect(wrapper.find('table').exists()).toBe(false);

    routes['GET /api/auth/oidc/identities'] = errorReply(500, 'internal', 'Database unavailable');
    const failing = await mountSection();
    expect(failing.get('[role="alert"]').text()).toContain('Database unavailable');
    routes['GET /api/auth/oidc/identities'] = { body: { identities: [authentik] } };
    await button(failing, 'Try again')!.trigger('click');
    await flushPromises();
    expect(failing.findAll('tbody tr')).toHaveLength(1);
  });

  it('unlinks only after the confirmation, and shows a refusal in the dialog', async () => {
    let answer = errorReply(404, 'not_found', 'id: no linked sign-in with this id', 'id');
    const { calls } = installFakeFetch({
      'GET /api/auth/oidc/identities': { body: { identities: [authentik, legacy] } },
      'GET /api/auth/oidc/providers': providers,
      [`DELETE /api/auth/oidc/identities/${ID1}`]: () => answer,
    });
    const wrapper = await mountSection();
    await wrapper.get(`[data-identity="${ID1}"]`).findAll('button').find((b) => b.text() === 'Unlink')!.trigger('click');
    const dialog = wrapper.get('[role="dialog"]');
    expect(dialog.text()).toContain('Unlink your Authentik sign-in?');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    // Cancel: nothing sent, nothing removed.
    await button(wrapper, 'Cancel')!.trigger('click');
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await wrapper.get(`[data-identity="${ID1}"]`).findAll('button').find((b) => b.text() === 'Unlink')!.trigger('click');
    await wrapper.get('[role="dialog"]').findAll('button').find((b) => b.text() === 'Unlink')!.trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="dialog"]').text()).toContain('no linked sign-in with this id');
    expect(wrapper.findAll('tbody tr')).toHaveLength(2);

    answer = { status: 204 };
    await wrapper.get('[role="dialog"]').findAll('button').find((b) => b.text() === 'Unlink')!.trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`/api/auth/oidc/identities/${ID1}`, `/api/auth/oidc/identities/${ID1}`]);
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(wrapper.findAll('tbody tr').map((r) => r.attributes('data-identity'))).toEqual([ID2]);
    expect(useToasts().toasts.map((t) => t.message)).toContain('Unlinked your Authentik sign-in');
  });
});
