import { ApiError, useToasts } from '@tomo/ui-shell/kit';
import { createPinia, setActivePinia } from 'pinia';
import { reportError } from './errors';

describe('reportError', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("shows an API error nobody handled as a toast with the server's message", () => {
    reportError(new ApiError(409, 'conflict', 'That name is taken'));
    expect(useToasts().toasts).toMatchObject([{ kind: 'error', message: 'That name is taken' }]);
  });

  it('skips a 401: the session-expiry handler deals with it', () => {
    reportError(new ApiError(401, 'unauthorized', 'Authentication required'));
    expect(useToasts().toasts).toHaveLength(0);
  });

  it('logs anything else and shows a short toast', () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    reportError(new Error('x is undefined'));
    expect(log).toHaveBeenCalled();
    expect(useToasts().toasts[0]).toMatchObject({ kind: 'error', title: 'Unexpected error', message: 'Something went wrong: x is undefined' });
    log.mockRestore();
  });
});
