import { DOMWrapper, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { installFakeFetch } from '../../../ui-shell/src/test-utils/fake-fetch';
import ApiTokensPage from './ApiTokensPage.vue';

const SECRET = 'tomo_pat_9c1e7d2b44a0f5e6c3b8a1d9e7f2c4b6';
const existing = { id: 't1', name: 'backup script', prefix: 'tomo_pat_3fa9', createdAt: '2025-02-11T10:00:00Z', lastUsedAt: null, expiresAt: null };
const record = { id: 't2', name: 'ci pipeline', prefix: 'tomo_pat_9c1e', createdAt: '2025-03-01T10:00:00Z', lastUsedAt: null, expiresAt: '2025-03-31T10:00:00Z' };

async function mountPage() {
  setActivePinia(createPinia());
  const wrapper = mount(ApiTokensPage, { global: { stubs: { teleport: true } } });
  await flushPromises();
  return wrapper;
}

function field(wrapper: VueWrapper, label: string): DOMWrapper<Element> {
  const found = wrapper.findAll('[role="dialog"] .t-field').find((f) => f.get('label').text().replace(/\s*\*$/, '') === label);
  if (!found) throw new Error(`No field labelled ${label}`);
  return found;
}

const button = (wrapper: VueWrapper, text: string) => wrapper.findAll('button').find((b) => b.text() === text)!;

describe('ApiTokensPage', () => {
  it('lists tokens by prefix, never the secret', async () => {
    installFakeFetch({ 'GET /api/auth/tokens': { body: { tokens: [existing] } } });
    const wrapper = await mountPage();
    const row = wrapper.get('tbody tr');
    expect(row.text()).toContain('backup script');
    expect(row.get('code').text()).toBe('tomo_pat_3fa9…');
    expect(row.text()).toContain('Never');
  });

  it('shows a new token once, with the warning, and forgets it when the dialog closes', async () => {
    const { calls } = installFakeFetch({
      'GET /api/auth/tokens': { body: { tokens: [existing] } },
      'POST /api/auth/tokens': { status: 201, body: { token: SECRET, record } },
    });
    const wrapper = await mountPage();
    await button(wrapper, 'New token').trigger('click');

    await wrapper.get('[role="dialog"] form').trigger('submit');
    expect(field(wrapper, 'Name').get('.t-field__error').text()).toBe('Enter a name');

    await field(wrapper, 'Name').get('input').setValue('ci pipeline');
    await field(wrapper, 'Expires after').get('select').setValue('30');
    await wrapper.get('[role="dialog"] form').trigger('submit');
    await flushPromises();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'ci pipeline', expiresInDays: 30 });

    const dialog = wrapper.get('[role="dialog"]');
    expect(dialog.text()).toContain('You will not see it again');
    expect((dialog.get('#auth-new-token').element as HTMLInputElement).value).toBe(SECRET);
    expect(dialog.get('#auth-new-token').attributes('readonly')).toBeDefined();
    expect(wrapper.findAll('tbody tr').map((r) => r.attributes('data-token'))).toEqual(['t2', 't1']);

    await button(wrapper, 'I have copied it').trigger('click');
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(wrapper.html()).not.toContain(SECRET);

    await button(wrapper, 'New token').trigger('click');
    expect(wrapper.get('[role="dialog"]').find('#auth-new-token').exists()).toBe(false);
    expect(wrapper.html()).not.toContain(SECRET);
  });

  it('omits expiresInDays for a token that never expires and checks a custom number of days', async () => {
    const { calls } = installFakeFetch({
      'GET /api/auth/tokens': { body: { tokens: [] } },
      'POST /api/auth/tokens': { status: 201, body: { token: SECRET, record } },
    });
    const wrapper = await mountPage();
    expect(wrapper.get('.t-empty__title').text()).toBe('No API tokens');
    await button(wrapper, 'New token').trigger('click');
    await field(wrapper, 'Name').get('input').setValue('forever');
    await field(wrapper, 'Expires after').get('select').setValue('custom');
    await field(wrapper, 'Days until it expires').get('input').setValue('5000');
    await wrapper.get('[role="dialog"] form').trigger('submit');
    expect(field(wrapper, 'Days until it expires').get('.t-field__error').text()).toBe('Enter a whole number of days from 1 to 3650');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await field(wrapper, 'Expires after').get('select').setValue('never');
    await wrapper.get('[role="dialog"] form').trigger('submit');
    await flushPromises();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'forever' });
  });
});
