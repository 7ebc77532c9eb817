import { errorReply, installFakeFetch } from '../test-utils/fake-fetch';
import { api, ApiError, onUnauthorized } from './api';

describe('api client', () => {
  it('sends the console header and the cookie, JSON only with a body', async () => {
    const { calls } = installFakeFetch({ 'GET /api/x': { body: { a: 1 } }, 'POST /api/x': { status: 201, body: { b: 2 } } });
    await expect(api.get('/api/x')).resolves.toEqual({ a: 1 });
    await expect(api.post('/api/x', { name: 'n' })).resolves.toEqual({ b: 2 });
    expect(calls[0].credentials).toBe('same-origin');
    expect(calls[0].headers['X-Requested-With']).toBe('tomo-console');
    expect(calls[0].headers['Content-Type']).toBeUndefined();
    expect(calls[1].headers['Content-Type']).toBe('application/json');
    expect(calls[1].body).toEqual({ name: 'n' });
  });

  it('resolves a 204 to undefined', async () => {
    installFakeFetch({ 'DELETE /api/users/1': { status: 204 } });
    await expect(api.del('/api/users/1')).resolves.toBeUndefined();
  });

  it('maps an error body to an ApiError with status, code, message and field', async () => {
    installFakeFetch({ 'POST /api/users': errorReply(400, 'validation_failed', 'username: is required', 'username') });
    const err = await api.post('/api/users', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'validation_failed', message: 'username: is required', field: 'username' });
    expect((err as ApiError).fieldMessage).toBe('Is required');
  });

  it('reads Retry-After from a 429', async () => {
    installFakeFetch({ 'POST /api/auth/login': errorReply(429, 'too_many_requests', 'Too many attempts', undefined, { 'Retry-After': '17' }) });
    await expect(api.post('/api/auth/login', {})).rejects.toMatchObject({ status: 429, retryAfterSeconds: 17 });
  });

  it('gives a readable error for a non-JSON failure and for no answer at all', async () => {
    installFakeFetch({ 'GET /api/x': { status: 502, body: '<html>Bad gateway</html>' } });
    await expect(api.get('/api/x')).rejects.toMatchObject({ status: 502, code: 'http_502' });
    (globalThis as { fetch: unknown }).fetch = jest.fn().mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(api.get('/api/x')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('calls the unauthorized handler on a 401, except where a 401 is expected', async () => {
    installFakeFetch({ 'GET /api/users': errorReply(401, 'unauthorized', 'Authentication required'), 'GET /api/auth/me': errorReply(401, 'unauthorized', 'Authentication required') });
    const handler = jest.fn();
    const remove = onUnauthorized(handler);
    await expect(api.get('/api/users')).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0][0]).toBeInstanceOf(ApiError);
    await expect(api.get('/api/auth/me', { expectUnauthorized: true })).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
    remove();
    await expect(api.get('/api/users')).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('does not call the unauthorized handler for other errors', async () => {
    installFakeFetch({ 'GET /api/users': errorReply(403, 'forbidden', 'No') });
    const handler = jest.fn();
    const remove = onUnauthorized(handler);
    await expect(api.get('/api/users')).rejects.toMatchObject({ status: 403 });
    expect(handler).not.toHaveBeenCalled();
    remove();
  });
});

describe('api: files', () => {
  it('posts a Blob as it is, as application/octet-stream, with the console header', async () => {
    const { calls } = installFakeFetch({ 'POST /api/backup/uploads': { status: 201, body: { id: 'u1', bytes: 3 } } });
    const file = new Blob(['abc']);
    await expect(api.post('/api/backup/uploads', file)).resolves.toEqual({ id: 'u1', bytes: 3 });
    expect(calls[0].rawBody).toBe(file);
    expect(calls[0].headers).toMatchObject({ 'Content-Type': 'application/octet-stream', 'X-Requested-With': 'tomo-console' });
  });

  it('download() saves the answer under the server\'s file name (else the one given) and says what it saved', async () => {
    const saved: string[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    (URL as unknown as { createObjectURL: () => string }).createObjectURL = () => 'blob:tomo/1';
    (URL as unknown as { revokeObjectURL: () => void }).revokeObjectURL = () => undefined;
    try {
      const { calls } = installFakeFetch({
        'POST /api/backup/export': { body: 'secret-bytes', headers: { 'Content-Disposition': 'attachment; filename="tomo-1.enc"' } },
        'GET /api/files/1': { body: 'abc' },
      });
      await expect(api.download('/api/backup/export', 'fallback.enc', { method: 'POST', body: { password: 'p' } })).resolves.toEqual({ fileName: 'tomo-1.enc', bytes: 12 });
      expect(calls[0]).toMatchObject({ method: 'POST', body: { password: 'p' }, credentials: 'same-origin' });
      expect(calls[0].headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Requested-With': 'tomo-console' });
      await expect(api.download('/api/files/1', 'one.txt')).resolves.toEqual({ fileName: 'one.txt', bytes: 3 });
      expect(calls[1].headers['Content-Type']).toBeUndefined();
      expect(saved).toEqual(['tomo-1.enc', 'one.txt']);
    } finally {
      click.mockRestore();
    }
  });

  it('download() rejects with the server\'s error, and with download_interrupted when the body breaks off', async () => {
    installFakeFetch({ 'POST /api/backup/export': errorReply(400, 'validation_failed', 'password: too short', 'password') });
    await expect(api.download('/api/backup/export', 'x', { method: 'POST', body: {} })).rejects.toMatchObject({ status: 400, field: 'password' });
    const broken = { ok: true, status: 200, headers: { get: () => null }, blob: async () => Promise.reject(new TypeError('network error')) } as unknown as Response;
    (globalThis as { fetch: unknown }).fetch = jest.fn().mockResolvedValue(broken);
    await expect(api.download('/api/backup/export', 'x')).rejects.toMatchObject({ status: 0, code: 'download_interrupted' });
  });
});
