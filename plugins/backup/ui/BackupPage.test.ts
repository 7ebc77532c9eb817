import { enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { useSession } from '@tomo/ui-shell/kit';
import { errorReply, installFakeFetch, makeUser, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { ImportSummary } from './api';
import BackupPage from './BackupPage.vue';

enableAutoUnmount(afterEach);

const UPLOAD_ID = '6f1c1f7e-2a5b-4c1e-9d2f-0a0b0c0d0e0f';
const PASSWORD = 'correct horse battery';
const HOSTILE = '<img src=x onerror=alert(1)>';

function makeSummary(overrides: Partial<ImportSummary> = {}): ImportSummary {
  return {
    source: { tomoVersion: '0.1.0', createdAt: '2025-03-12T14:05:00.000Z', formatVersion: 1, includesHistory: false },
    onConflict: 'skip',
    applied: false,
    tables: [
      { table: 'auth_users', label: 'users', inBackup: 3, added: 2, replaced: 0, skipped: 1 },
      { table: 'servers', label: 'servers', inBackup: 2, added: 2, replaced: 0, skipped: 0 },
      { table: 'monitoring_samples', label: 'metric samples', inBackup: 40, added: 0, replaced: 0, skipped: 0, absent: true },
    ],
    conflicts: [
      { table: 'auth_users', what: 'user admin', action: 'skip' },
      { table: 'servers', what: `server ${HOSTILE}`, action: 'skip' },
    ],
    conflictCount: 4,
    catalogs: [{ name: 'my-catalog', files: 2, restoredTo: '/var/lib/tomo/plugin-data/backup/catalogs/0-my-catalog' }],
    ...overrides,
  };
}

/** Export answers with bytes: the kit's fake only speaks JSON, so this route is answered here. */
function withExport(reply: (call: FakeCall) => Response | Promise<Response>): void {
  const json = globalThis.fetch;
  (globalThis as { fetch: unknown }).fetch = jest.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    if (String(input) === '/api/backup/export') {
      const call: FakeCall = { method: init.method ?? 'GET', url: String(input), body: JSON.parse(String(init.body)), headers: { ...(init.headers as Record<string, string>) }, credentials: init.credentials };
      exportCalls.push(call);
      return reply(call);
    }
    return json(input, init);
  });
}
let exportCalls: FakeCall[] = [];

function fileResponse(bytes: string, disposition?: string): Response {
  const headers = new Map<string, string>(Object.entries({ 'content-type': 'application/octet-stream', ...(disposition ? { 'content-disposition': disposition } : {}) }));
  return { ok: true, status: 200, headers: { get: (n: string) => headers.get(n.toLowerCase()) ?? null }, blob: async () => new Blob([bytes]) } as unknown as Response;
}
function jsonError(status: number, code: string, message: string, field?: string): Response {
  const text = JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } });
  return { ok: false, status, statusText: '', headers: { get: () => null }, json: async () => JSON.parse(text), text: async () => text } as unknown as Response;
}

let saved: { href: string; download: string }[] = [];
let revoked: string[] = [];

beforeEach(() => {
  saved = [];
  revoked = [];
  exportCalls = [];
  let n = 0;
  (URL as unknown as { createObjectURL: (b: Blob) => string }).createObjectURL = () => `blob:tomo/${++n}`;
  (URL as unknown as { revokeObjectURL: (u: string) => void }).revokeObjectURL = (u: string) => void revoked.push(u);
  jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ href: this.href, download: this.download });
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

async function mountPage(routes: Record<string, FakeRoute> = {}) {
  const fetch = installFakeFetch({
    'POST /api/backup/uploads': { status: 201, body: { id: UPLOAD_ID, bytes: 2048 } },
    [`POST /api/backup/uploads/${UPLOAD_ID}/preview`]: (call) => ({ body: { summary: makeSummary({ onConflict: (call.body as { onConflict: 'skip' }).onConflict }) } }),
    [`DELETE /api/backup/uploads/${UPLOAD_ID}`]: { status: 204 },
    ...routes,
  });
  setActivePinia(createPinia());
  useSession().setUser(makeUser());
  const wrapper = mount(BackupPage, { global: { stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const byId = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);
const has = (w: VueWrapper, id: string) => w.find(`[data-testid="${id}"]`).exists();
const value = (w: VueWrapper, id: string) => (byId(w, id).element as HTMLInputElement).value;
const backupCalls = (calls: FakeCall[]) => calls.filter((c) => c.url.startsWith('/api/backup/')).map((c) => `${c.method} ${c.url}`);

async function fillExport(w: VueWrapper, password: string, repeat = password): Promise<void> {
  await byId(w, 'export-password').setValue(password);
  await byId(w, 'export-password-repeat').setValue(repeat);
}

async function chooseFile(w: VueWrapper, name = 'tomo-backup.enc'): Promise<File> {
  const file = new File(['age-encryption.org/v1\n…'], name, { type: 'application/octet-stream' });
  const input = byId(w, 'import-file');
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
  return file;
}

async function previewed(w: VueWrapper): Promise<void> {
  await chooseFile(w);
  await byId(w, 'import-password').setValue(PASSWORD);
  await byId(w, 'import-form').trigger('submit');
  await flushPromises();
}

const dialog = () => document.querySelector<HTMLElement>('[role="dialog"]');
function dialogButton(label: string): HTMLButtonElement {
  const found = [...(dialog()?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === label);
  if (!found) throw new Error(`no "${label}" button in the dialog`);
  return found as HTMLButtonElement;
}

describe('BackupPage: export', () => {
  it('checks the password in the browser first: required, at least 12 characters, typed twice the same', async () => {
    const { wrapper } = await mountPage();
    withExport(() => fileResponse('x'));
    expect(wrapper.get('h1').text()).toBe('Backup');
    const password = byId(wrapper, 'export-password');
    expect(wrapper.get(`label[for="${password.attributes('id')}"]`).text()).toContain('Backup password');
    expect(password.attributes('type')).toBe('password');

    await byId(wrapper, 'export-form').trigger('submit');
    expect(wrapper.findAll('[data-testid="export-form"] [role="alert"]').map((a) => a.text())).toEqual(['Enter a password', 'Enter the password again']);

    await fillExport(wrapper, 'short-one', 'short-two');
    await byId(wrapper, 'export-form').trigger('submit');
    expect(wrapper.findAll('[data-testid="export-form"] [role="alert"]').map((a) => a.text())).toEqual(['Use at least 12 characters', 'The passwords do not match']);
    expect(password.attributes('aria-invalid')).toBe('true');

    await fillExport(wrapper, 'long-enough-password', 'long-enough-passwort');
    await byId(wrapper, 'export-form').trigger('submit');
    expect(wrapper.findAll('[data-testid="export-form"] [role="alert"]').map((a) => a.text())).toEqual(['The passwords do not match']);
    expect(exportCalls).toEqual([]);
  });

  it('POSTs the password, shows the busy state, downloads the file under the server\'s name, then empties the fields', async () => {
    const { wrapper } = await mountPage();
    let release!: () => void;
    withExport(() => new Promise<Response>((resolve) => (release = () => resolve(fileResponse('age-encryption.org/v1 bytes', 'attachment; filename="tomo-backup-2025-03-12-14-05-00.enc"')))));
    await fillExport(wrapper, PASSWORD);
    await byId(wrapper, 'export-include-history').setValue(true);
    await byId(wrapper, 'export-form').trigger('submit');
    await flushPromises();

    expect(exportCalls).toHaveLength(1);
    expect(exportCalls[0]).toMatchObject({ method: 'POST', body: { password: PASSWORD, includeHistory: true }, credentials: 'same-origin' });
    expect(exportCalls[0].headers).toMatchObject({ 'X-Requested-With': 'tomo-console', 'Content-Type': 'application/json' });
    const button = byId(wrapper, 'export-submit');
    expect(button.attributes('aria-busy')).toBe('true');
    expect(button.text()).toBe('Exporting…');
    const progress = byId(wrapper, 'export-progress');
    expect(progress.attributes('aria-live')).toBe('polite');
    expect(progress.text()).toContain('Encrypting the backup');
    expect(byId(wrapper, 'export-password').attributes('disabled')).toBeDefined();

    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    release();
    await flushPromises();
    expect(saved).toEqual([{ href: 'blob:tomo/1', download: 'tomo-backup-2025-03-12-14-05-00.enc' }]);
    expect(document.querySelector('a[download]')).toBeNull();
    jest.advanceTimersByTime(1000);
    expect(revoked).toEqual(['blob:tomo/1']);
    expect(byId(wrapper, 'export-done').text()).toContain('tomo-backup-2025-03-12-14-05-00.enc');
    expect(button.attributes('aria-busy')).toBeUndefined();
    expect(value(wrapper, 'export-password')).toBe('');
    expect(value(wrapper, 'export-password-repeat')).toBe('');
  });

  it('names the file tomo-backup.enc when the server gives no name', async () => {
    const { wrapper } = await mountPage();
    withExport(() => fileResponse('bytes'));
    await fillExport(wrapper, PASSWORD);
    await byId(wrapper, 'export-form').trigger('submit');
    await flushPromises();
    expect(saved.map((s) => s.download)).toEqual(['tomo-backup.enc']);
  });

  it("shows the server's field error under the password and its other errors above the button; the fields are emptied either way", async () => {
    const { wrapper } = await mountPage();
    const replies = [jsonError(400, 'validation_failed', 'must be at least 12 characters', 'password'), jsonError(409, 'backup_busy', 'Another export or import is running; try again when it has finished')];
    withExport(() => replies.shift()!);
    await fillExport(wrapper, PASSWORD);
    await byId(wrapper, 'export-form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="export-form"] .t-field__error').text()).toBe('Must be at least 12 characters');
    expect(value(wrapper, 'export-password')).toBe('');

    await fillExport(wrapper, PASSWORD);
    await byId(wrapper, 'export-form').trigger('submit');
    await flushPromises();
    const error = byId(wrapper, 'export-error');
    expect(error.attributes('role')).toBe('alert');
    expect(error.text()).toBe('The export failed: Another export or import is running; try again when it has finished');
    expect(saved).toEqual([]);
    expect(value(wrapper, 'export-password-repeat')).toBe('');
  });

  it('says so when the download is cut off part way', async () => {
    const { wrapper } = await mountPage();
    withExport(() => ({ ok: true, status: 200, headers: { get: () => null }, blob: () => Promise.reject(new TypeError('network error')) }) as unknown as Response);
    await fillExport(wrapper, PASSWORD);
    await byId(wrapper, 'export-form').trigger('submit');
    await flushPromises();
    expect(byId(wrapper, 'export-error').text()).toContain('The download stopped part way and the file is incomplete');
    expect(saved).toEqual([]);
  });
});

describe('BackupPage: import', () => {
  it('needs a file and a password before anything is sent', async () => {
    const { wrapper, calls } = await mountPage();
    await byId(wrapper, 'import-form').trigger('submit');
    expect(wrapper.findAll('[data-testid="import-form"] [role="alert"]').map((a) => a.text())).toEqual(['Choose a backup file', "Enter the backup's password"]);
    expect(byId(wrapper, 'import-file').attributes('aria-invalid')).toBe('true');
    expect(backupCalls(calls)).toEqual([]);
  });

  it('uploads the file, previews it, and lists what would change with the conflicts (names as text)', async () => {
    const { wrapper, calls } = await mountPage();
    await previewed(wrapper);
    expect(backupCalls(calls)).toEqual(['POST /api/backup/uploads', `POST /api/backup/uploads/${UPLOAD_ID}/preview`]);
    const upload = calls.find((c) => c.url === '/api/backup/uploads')!;
    expect(upload.headers).toMatchObject({ 'Content-Type': 'application/octet-stream', 'X-Requested-With': 'tomo-console' });
    expect(calls.at(-1)!.body).toEqual({ password: PASSWORD, onConflict: 'skip' });

    expect(byId(wrapper, 'import-source').text()).toContain('Backup of Tomo 0.1.0');
    const users = byId(wrapper, 'import-table-auth_users');
    expect(users.get('th').text()).toBe('Users');
    expect(['inBackup', 'added', 'replaced', 'skipped'].map((f) => users.get(`[data-field="${f}"]`).text())).toEqual(['3', '2', '0', '1']);
    expect(byId(wrapper, 'import-table-monitoring_samples').get('[data-field="absent"]').text()).toContain('Not carried');
    expect(byId(wrapper, 'import-conflict-count').text()).toContain("4 conflicts: this Tomo's records are kept");
    const conflicts = wrapper.findAll('[data-testid="import-conflict"]');
    expect(conflicts.map((c) => c.text())).toEqual(['user admin — kept as it is here', `server ${HOSTILE} — kept as it is here`]);
    expect(wrapper.find('[data-testid="import-conflicts"] img').exists()).toBe(false);
    expect(wrapper.text()).toContain('… and 2 more conflicts.');
    expect(byId(wrapper, 'import-catalogs').text()).toContain('0-my-catalog');
    expect(byId(wrapper, 'import-progress').text()).toContain('Nothing has changed yet');
    expect(byId(wrapper, 'import-password').attributes('disabled')).toBeDefined();
  });

  it('checks again when the conflict rule changes, without uploading again', async () => {
    const { wrapper, calls } = await mountPage();
    await previewed(wrapper);
    await byId(wrapper, 'import-on-conflict-overwrite').setValue(true);
    await flushPromises();
    expect(backupCalls(calls)).toEqual(['POST /api/backup/uploads', `POST /api/backup/uploads/${UPLOAD_ID}/preview`, `POST /api/backup/uploads/${UPLOAD_ID}/preview`]);
    expect(calls.at(-1)!.body).toEqual({ password: PASSWORD, onConflict: 'overwrite' });
    expect(byId(wrapper, 'import-conflict-count').text()).toContain("the backup's records replace this Tomo's");
  });

  it('applies only after the confirmation, then shows the result and the advice to restart', async () => {
    const { wrapper, calls } = await mountPage({
      [`POST /api/backup/uploads/${UPLOAD_ID}/apply`]: { body: { summary: makeSummary({ applied: true }) } },
    });
    await previewed(wrapper);
    await byId(wrapper, 'import-apply').trigger('click');
    expect(dialog()?.textContent).toContain('Import this backup?');
    expect(dialog()?.textContent).toContain('4 records will be added, 1 record skipped. This cannot be undone.');

    // Cancel in the dialog: nothing is applied.
    dialogButton('Cancel').click();
    await flushPromises();
    expect(dialog()).toBeNull();
    expect(backupCalls(calls).filter((c) => c.endsWith('/apply'))).toEqual([]);

    await byId(wrapper, 'import-apply').trigger('click');
    dialogButton('Import').click();
    await flushPromises();
    expect(backupCalls(calls).at(-1)).toBe(`POST /api/backup/uploads/${UPLOAD_ID}/apply`);
    expect(calls.at(-1)!.body).toEqual({ password: PASSWORD, onConflict: 'skip' });
    expect(dialog()).toBeNull();
    const result = byId(wrapper, 'import-result');
    expect(result.text()).toContain('The backup was imported.');
    expect(byId(wrapper, 'import-summary').attributes('data-applied')).toBe('true');
    expect(byId(wrapper, 'import-advice').text()).toContain('Restart Tomo');

    // Starting over: an empty form; the upload is gone on the server already (no DELETE).
    await byId(wrapper, 'import-again').trigger('click');
    expect(value(wrapper, 'import-password')).toBe('');
    expect(backupCalls(calls).filter((c) => c.startsWith('DELETE'))).toEqual([]);
  });

  it('Cancel forgets the upload on the server and empties the form', async () => {
    const { wrapper, calls } = await mountPage();
    await previewed(wrapper);
    await byId(wrapper, 'import-cancel').trigger('click');
    await flushPromises();
    expect(backupCalls(calls).at(-1)).toBe(`DELETE /api/backup/uploads/${UPLOAD_ID}`);
    expect(has(wrapper, 'import-summary')).toBe(false);
    expect(value(wrapper, 'import-password')).toBe('');
    expect(byId(wrapper, 'import-password').attributes('disabled')).toBeUndefined();
  });

  it('leaving the page with an upload pending forgets it too', async () => {
    const { wrapper, calls } = await mountPage();
    await previewed(wrapper);
    wrapper.unmount();
    await flushPromises();
    expect(backupCalls(calls).at(-1)).toBe(`DELETE /api/backup/uploads/${UPLOAD_ID}`);
  });

  it("shows the server's refusals in its words: wrong password (under the field, retried without a new upload), damaged, newer", async () => {
    const answers: FakeRoute[] = [
      errorReply(400, 'backup_wrong_password', 'Wrong password: this backup does not open with it'),
      errorReply(400, 'backup_damaged', 'The backup is damaged or cut short: part of it does not authenticate'),
      errorReply(400, 'backup_newer_version', 'This backup was made by a newer Tomo (0.2.0); upgrade Tomo, then import it'),
    ];
    const { wrapper, calls } = await mountPage({
      [`POST /api/backup/uploads/${UPLOAD_ID}/preview`]: (call) => {
        const next = answers.shift()!;
        return typeof next === 'function' ? next(call) : next;
      },
    });
    await previewed(wrapper);
    const field = wrapper.get('[data-testid="import-form"] .t-field__error');
    expect(field.text()).toBe('Wrong password: this backup does not open with it');
    expect(field.attributes('role')).toBe('alert');
    expect(byId(wrapper, 'import-password').attributes('aria-invalid')).toBe('true');
    expect(has(wrapper, 'import-summary')).toBe(false);

    await byId(wrapper, 'import-form').trigger('submit');
    await flushPromises();
    expect(byId(wrapper, 'import-error').text()).toBe('The backup is damaged or cut short: part of it does not authenticate');
    await byId(wrapper, 'import-form').trigger('submit');
    await flushPromises();
    expect(byId(wrapper, 'import-error').text()).toBe('This backup was made by a newer Tomo (0.2.0); upgrade Tomo, then import it');
    expect(backupCalls(calls).filter((c) => c === 'POST /api/backup/uploads')).toHaveLength(1);
  });

  it('shows an upload refused for its size under the file field', async () => {
    const { wrapper } = await mountPage({
      'POST /api/backup/uploads': errorReply(413, 'too_large', 'The backup is larger than the upload limit (backup.maxUploadMiB); import it with `tomo import`', 'file'),
    });
    await previewed(wrapper);
    expect(wrapper.get('[data-testid="import-form"] .t-field__error').text()).toBe('The backup is larger than the upload limit (backup.maxUploadMiB); import it with `tomo import`');
  });

  it('an apply that fails keeps the preview and shows why; an expired upload starts over', async () => {
    const answers = [errorReply(409, 'backup_busy', 'The database is busy with another write; try the import again'), errorReply(404, 'not_found', 'Upload not found')];
    const { wrapper, calls } = await mountPage({ [`POST /api/backup/uploads/${UPLOAD_ID}/apply`]: () => answers.shift()! });
    await previewed(wrapper);
    await byId(wrapper, 'import-apply').trigger('click');
    dialogButton('Import').click();
    await flushPromises();
    expect(dialog()).toBeNull();
    expect(byId(wrapper, 'import-error').text()).toBe('The database is busy with another write; try the import again');
    expect(has(wrapper, 'import-summary')).toBe(true);

    await byId(wrapper, 'import-apply').trigger('click');
    dialogButton('Import').click();
    await flushPromises();
    expect(has(wrapper, 'import-summary')).toBe(false);
    expect(byId(wrapper, 'import-error').text()).toBe('The uploaded file is no longer on the server (uploads are kept for an hour). Check the backup again to upload it anew.');
    await byId(wrapper, 'import-form').trigger('submit');
    await flushPromises();
    expect(backupCalls(calls).filter((c) => c === 'POST /api/backup/uploads')).toHaveLength(2);
  });
});
