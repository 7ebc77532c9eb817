import { ApiError, useToasts } from '@tomo/ui-shell/kit';
import type { App } from 'vue';

/**
 * Shows an error nobody handled as a toast. An {@link ApiError} shows the server's message; a 401
 * is skipped (the session-expiry handler already sent the user to sign in); anything else is a
 * bug, logged to the console with a short toast.
 */
export function reportError(err: unknown): void {
  if (err instanceof ApiError) {
    if (err.status !== 401) useToasts().error(err.message);
    return;
  }
  console.error(err);
  const detail = err instanceof Error && err.message ? `: ${err.message}` : '';
  useToasts().error(`Something went wrong${detail}`, { title: 'Unexpected error' });
}

/**
 * Routes errors that nobody caught — thrown in a component (render, handler, hook) or a rejected
 * promise — to {@link reportError}. A caller that handles an error itself (a form showing it under
 * a field) simply catches it, and no toast appears.
 */
export function installErrorReporting(app: App): void {
  app.config.errorHandler = (err) => reportError(err);
  window.addEventListener('unhandledrejection', (event) => {
    if (event.reason instanceof ApiError) {
      event.preventDefault();
      reportError(event.reason);
    }
  });
}
