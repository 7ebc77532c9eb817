import { onUnauthorized, useSession, useToasts } from '@tomo/ui-shell/kit';
import type { Router } from 'vue-router';
import { usePluginRegistry } from './plugins/plugin-registry';
import { loginLocation } from './redirect';

/**
 * When any request answers 401 the session has ended (expired, revoked, signed out elsewhere):
 * forget the user and the plugins, and go to the login page, which brings the user back here.
 */
export function installSessionExpiry(router: Router): () => void {
  return onUnauthorized(() => {
    const session = useSession();
    const wasSignedIn = session.user !== null;
    session.clear();
    usePluginRegistry().reset();
    const current = router.currentRoute.value;
    if (current.meta.public) return;
    if (wasSignedIn) useToasts().info('Your session has ended. Please sign in again.');
    void router.replace(loginLocation(current.fullPath));
  });
}
