import { useSession, useToasts } from '@tomo/ui-shell/kit';
import { DOMWrapper, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { errorReply, installFakeFetch, makeUser } from '../../../ui-shell/src/test-utils/fake-fetch';
import UsersPage from './UsersPage.vue';

const admin = makeUser();
const bob = makeUser({ id: 'u-bob', username: 'bob', email: 'bob@example.com', role: 'user', lastLoginAt: '2025-03-01T10:00:00Z' });

async function mountPage() {
  setActivePinia(createPinia());
  useSession().setUser(admin);
  const wrapper = mount(UsersPage, { global: { stubs: { teleport: true } } });
  await flushPromises();
  return wrapper;
}

function field(wrapper: VueWrapper, label: string): DOMWrapper<Element> {
  const found = wrapper.findAll('[role="dialog"] .t-field').find((f) => f.get('label').text().replace(/\s*\*$/, '') === label);
  if (!found) throw new Error(`No field labelled ${label}`);
  return found;
}

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) await field(wrapper, label).get('input, select').setValue(value);
}

describe('UsersPage', () => {
  it('lists users with role, status and last sign-in; an admin cannot delete or disable themself', async () => {
    installFakeFetch({ 'GET /api/users': { body: { users: [admin, bob] } } });
    const wrapper = await mountPage();
    const rows = wrapper.findAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0].text()).toContain('you');
    expect(rows[0].text()).toContain('Never');
    expect(rows[1].text()).toContain('bob@example.com');
    expect(rows[1].text()).toContain('Active');
    expect(wrapper.get('button[aria-label="Delete admin"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('button[aria-label="Disable admin"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('button[aria-label="Delete bob"]').attributes('disabled')).toBeUndefined();
    expect(wrapper.get('button[aria-label="Disable bob"]').attributes('disabled')).toBeUndefined();
  });

  it('creates a user: checks fields first, places the server field error under its field, then adds the row', async () => {
    const created = makeUser({ id: 'u-dave', username: 'dave', email: 'dave@example.com', role: 'admin' });
    const { calls } = installFakeFetch({
      'GET /api/users': { body: { users: [admin, bob] } },
      'POST /api/users': (call) =>
        (call.body as { username: string }).username === 'bob'
          ? errorReply(409, 'conflict', 'This username is already taken', 'username')
          : { status: 201, body: created },
    });
    const wrapper = await mountPage();
    await wrapper.findAll('button').find((b) => b.text() === 'New user')!.trigger('click');
    const dialog = wrapper.get('[role="dialog"]');
    expect(dialog.get('h2').text()).toBe('New user');

    await dialog.get('form').trigger('submit');
    expect(field(wrapper, 'Username').get('.t-field__error').text()).toBe('Enter a username');
    expect(field(wrapper, 'Email').get('.t-field__error').text()).toBe('Enter an email address');
    expect(field(wrapper, 'Password').get('.t-field__error').text()).toBe('Enter a password');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await fill(wrapper, { Username: 'bob', Email: 'not-an-email', Password: 'short', 'Repeat the password': 'other' });
    await dialog.get('form').trigger('submit');
    expect(field(wrapper, 'Email').get('.t-field__error').text()).toContain('valid email');
    expect(field(wrapper, 'Password').get('.t-field__error').text()).toBe('Use at least 12 characters');
    expect(field(wrapper, 'Repeat the password').get('.t-field__error').text()).toBe('The passwords do not match');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await fill(wrapper, { Email: 'bob2@example.com', Role: 'admin', Password: 'a long enough password', 'Repeat the password': 'a long enough password' });
    await dialog.get('form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST')[0].body).toEqual({ username: 'bob', email: 'bob2@example.com', role: 'admin', password: 'a long enough password' });
    expect(field(wrapper, 'Username').get('.t-field__error').text()).toBe('This username is already taken');
    expect(field(wrapper, 'Email').find('.t-field__error').exists()).toBe(false);
    expect(wrapper.find('[role="dialog"] .t-alert').exists()).toBe(false);

    await fill(wrapper, { Username: 'dave' });
    await dialog.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(wrapper.findAll('tbody tr').map((r) => r.attributes('data-user'))).toEqual(['admin', 'bob', 'dave']);
    expect(useToasts().toasts.map((t) => t.message)).toContain('User dave created');
  });

  it('shows a server error without a field at the form level', async () => {
    installFakeFetch({
      'GET /api/users': { body: { users: [admin] } },
      'POST /api/users': errorReply(500, 'internal', 'Internal error (request 7)'),
    });
    const wrapper = await mountPage();
    await wrapper.findAll('button').find((b) => b.text() === 'New user')!.trigger('click');
    await fill(wrapper, { Username: 'erin', Email: 'erin@example.com', Password: 'a long enough password', 'Repeat the password': 'a long enough password' });
    await wrapper.get('[role="dialog"] form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="dialog"] .t-alert--danger').text()).toBe('Internal error (request 7)');
  });

  it('signs a user out everywhere after confirmation, saying their API tokens keep working; the row stays', async () => {
    const { calls } = installFakeFetch({ 'GET /api/users': { body: { users: [admin, bob] } }, 'DELETE /api/users/u-bob/sessions': { status: 204 } });
    const wrapper = await mountPage();
    const signOuts = () => calls.filter((c) => c.method === 'DELETE');

    // Cancelling sends nothing.
    await wrapper.get('button[aria-label="Sign bob out everywhere"]').trigger('click');
    let confirm = wrapper.get('[role="dialog"]');
    expect(confirm.text()).toContain('Sign bob out everywhere?');
    expect(confirm.text()).toContain("All of bob's sessions end at once");
    expect(confirm.text()).toContain('API tokens keep working');
    await confirm.findAll('button').find((b) => b.text() === 'Cancel')!.trigger('click');
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(signOuts()).toHaveLength(0);

    await wrapper.get('button[aria-label="Sign bob out everywhere"]').trigger('click');
    confirm = wrapper.get('[role="dialog"]');
    await confirm.findAll('button').find((b) => b.text() === 'Sign out everywhere')!.trigger('click');
    await flushPromises();
    expect(signOuts().map((c) => c.url)).toEqual(['/api/users/u-bob/sessions']);
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(useToasts().toasts.map((t) => t.message)).toContain('bob is signed out everywhere');
    expect(wrapper.findAll('tbody tr').map((r) => r.attributes('data-user'))).toEqual(['admin', 'bob']);
  });

  it('warns an admin signing themself out everywhere that this session ends too', async () => {
    installFakeFetch({ 'GET /api/users': { body: { users: [admin, bob] } } });
    const wrapper = await mountPage();
    await wrapper.get('button[aria-label="Sign admin out everywhere"]').trigger('click');
    expect(wrapper.get('[role="dialog"]').text()).toContain('this one included: you will have to sign in again');
  });

  it('deletes a user after confirmation', async () => {
    const { calls } = installFakeFetch({ 'GET /api/users': { body: { users: [admin, bob] } }, 'DELETE /api/users/u-bob': { status: 204 } });
    const wrapper = await mountPage();
    await wrapper.get('button[aria-label="Delete bob"]').trigger('click');
    const confirm = wrapper.get('[role="dialog"]');
    expect(confirm.text()).toContain('Delete bob?');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await confirm.findAll('button').find((b) => b.text() === 'Delete user')!.trigger('click');
    await flushPromises();
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/users/u-bob')).toBe(true);
    expect(wrapper.findAll('tbody tr')).toHaveLength(1);
  });
});
