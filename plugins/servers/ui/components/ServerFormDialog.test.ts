import { DOMWrapper, enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, makeUser } from '../../../../ui-shell/src/test-utils/fake-fetch';
import { makeServer, signIn } from '../test-fixtures';
import ServerFormDialog from './ServerFormDialog.vue';

enableAutoUnmount(afterEach);

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n';
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3e me@laptop\n';

function mountDialog(server: ReturnType<typeof makeServer> | null = null) {
  signIn(makeUser());
  return mount(ServerFormDialog, { props: { open: true, server }, global: { stubs: { teleport: true } }, attachTo: document.body });
}

function field(wrapper: VueWrapper, label: string): DOMWrapper<Element> {
  const found = wrapper.findAll('.t-field').find((f) => f.get('label').text().replace(/\s*\*$/, '') === label);
  if (!found) throw new Error(`No field labelled ${label}`);
  return found;
}

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) {
    const f = field(wrapper, label);
    await (f.find('textarea').exists() ? f.get('textarea') : f.get('input')).setValue(value);
  }
}

/** Chooses `file` in the hidden file input, as the browser does after "Load from file…". */
async function chooseFile(wrapper: VueWrapper, file: File): Promise<void> {
  const input = wrapper.get<HTMLInputElement>('input[type="file"][data-key-file]');
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
  // FileReader reports on a later task.
  for (let i = 0; i < 50 && wrapper.find('.servers-key__label .t-spinner').exists(); i++) await new Promise((r) => setTimeout(r, 5));
  await flushPromises();
}

const keyText = (wrapper: VueWrapper) => (wrapper.get('textarea').element as HTMLTextAreaElement).value;

describe('ServerFormDialog: SSH keys', () => {
  it('switches to key auth: key textarea, "Load from file" and passphrase instead of the password', async () => {
    installFakeFetch({});
    const wrapper = mountDialog();
    expect(field(wrapper, 'Password').exists()).toBe(true);
    await wrapper.get('input[type="radio"][value="key"]').setValue(true);
    expect(wrapper.findAll('.t-field label').map((l) => l.text().replace(/\s*\*$/, ''))).toEqual(['Name', 'Host', 'Port', 'Username', 'Private key', 'Passphrase']);
    expect(wrapper.findAll('button').some((b) => b.text() === 'Load from file…')).toBe(true);
    expect(wrapper.get('label.t-segmented__option.is-selected').text()).toBe('SSH key');
  });

  it('"Load from file" reads the key in the browser into the textarea; the key and passphrase go only into the POST', async () => {
    const { calls } = installFakeFetch({ 'POST /api/servers': { status: 201, body: makeServer({ authType: 'key' }) } });
    const wrapper = mountDialog();
    await wrapper.get('input[type="radio"][value="key"]').setValue(true);
    const click = jest.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => undefined);
    await wrapper.findAll('button').find((b) => b.text() === 'Load from file…')!.trigger('click');
    expect(click).toHaveBeenCalled();
    click.mockRestore();

    await chooseFile(wrapper, new File([PRIVATE_KEY], 'id_ed25519', { type: 'application/octet-stream' }));
    expect(keyText(wrapper)).toBe(PRIVATE_KEY);
    expect(field(wrapper, 'Private key').get('.t-field__hint').text()).toContain('Loaded from id_ed25519.');
    expect(calls).toHaveLength(0);

    await fill(wrapper, { Name: 'nas', Host: 'nas.lan', Username: 'tomo', Passphrase: 'correct horse' });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/servers']);
    expect(calls[0].body).toEqual({ name: 'nas', host: 'nas.lan', port: 22, username: 'tomo', authType: 'key', credentials: { privateKey: PRIVATE_KEY, passphrase: 'correct horse' } });
    expect(wrapper.emitted('saved')?.[0][1]).toBe(true);
    // Nothing secret stays in the form once saved.
    expect(keyText(wrapper)).toBe('');
  });

  it('refuses a public key file and a file too big to be a key, and says why', async () => {
    installFakeFetch({});
    const wrapper = mountDialog();
    await wrapper.get('input[type="radio"][value="key"]').setValue(true);
    await chooseFile(wrapper, new File([PUBLIC_KEY], 'id_ed25519.pub'));
    expect(keyText(wrapper)).toBe('');
    expect(field(wrapper, 'Private key').get('.t-field__error').text()).toBe('id_ed25519.pub holds a public key; choose the private key file (the same name without .pub)');

    await chooseFile(wrapper, new File(['x'.repeat(40000)], 'photo.jpg'));
    expect(keyText(wrapper)).toBe('');
    expect(field(wrapper, 'Private key').get('.t-field__error').text()).toBe('photo.jpg is too big to be a private key');
  });

  it('checks a pasted key and places the server\'s passphrase error under Passphrase', async () => {
    const { calls } = installFakeFetch({ 'POST /api/servers': errorReply(400, 'validation_failed', 'credentials.passphrase: does not decrypt the private key', 'credentials.passphrase') });
    const wrapper = mountDialog();
    await wrapper.get('input[type="radio"][value="key"]').setValue(true);
    await fill(wrapper, { Name: 'nas', Host: 'nas.lan', Username: 'tomo', 'Private key': PUBLIC_KEY });
    await wrapper.get('form').trigger('submit');
    expect(field(wrapper, 'Private key').get('.t-field__error').text()).toBe('This is a public key (the .pub file); paste the private key');
    expect(calls).toHaveLength(0);

    await fill(wrapper, { 'Private key': PRIVATE_KEY, Passphrase: 'wrong' });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(field(wrapper, 'Passphrase').get('.t-field__error').text()).toBe('Does not decrypt the private key');
    expect(field(wrapper, 'Private key').find('.t-field__error').exists()).toBe(false);
  });

  it('edit: an empty key keeps the stored one; a passphrase alone is not enough', async () => {
    const server = makeServer({ authType: 'key' });
    const { calls } = installFakeFetch({ [`PATCH /api/servers/${server.id}`]: { body: { ...server, name: 'nas-2' } } });
    const wrapper = mountDialog(server);
    expect(field(wrapper, 'Private key').text()).toContain('Leave empty to keep the stored credentials.');
    await fill(wrapper, { Passphrase: 'only this' });
    await wrapper.get('form').trigger('submit');
    expect(field(wrapper, 'Passphrase').get('.t-field__error').text()).toBe('Also give the private key this passphrase unlocks');

    await fill(wrapper, { Passphrase: '', Name: 'nas-2' });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(calls[0].body).toEqual({ name: 'nas-2' });
  });

  it('edit: a "credentials" error from the server goes under the credential field of the chosen type', async () => {
    const server = makeServer({ authType: 'key' });
    installFakeFetch({ [`PATCH /api/servers/${server.id}`]: errorReply(400, 'validation_failed', 'credentials: are required when authType changes', 'credentials') });
    const wrapper = mountDialog(server);
    await wrapper.get('input[type="radio"][value="password"]').setValue(true);
    await fill(wrapper, { Password: 'pw' });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(field(wrapper, 'Password').get('.t-field__error').text()).toBe('Are required when authType changes');
  });
});
