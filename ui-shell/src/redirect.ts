import type { LocationQueryValue, RouteLocationRaw } from 'vue-router';

/** Pages a sign-in should never lead back to. */
const AUTH_PAGES = ['/login', '/setup'];

/**
 * The path to go to after signing in. Only a path on this site is accepted (`/users?x=1#y`);
 * anything else — another origin, a protocol-relative `//host`, a backslash trick, a
 * `javascript:` URL, control characters — gives `/`, so `?redirect=` cannot send people elsewhere.
 */
export function safeRedirect(target: LocationQueryValue | LocationQueryValue[] | undefined, origin = window.location.origin): string {
  const value = Array.isArray(target) ? target[0] : target;
  if (typeof value !== 'string' || value.length > 2048) return '/';
  // Browsers read "\" as "/", and strip tabs and newlines inside URLs: refuse them outright.
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return '/';
  }
  if (url.origin !== origin) return '/';
  if (AUTH_PAGES.includes(url.pathname)) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login page, remembering where to come back to (nothing for the dashboard). */
export function loginLocation(returnTo: string): RouteLocationRaw {
  const back = safeRedirect(returnTo);
  return back === '/' ? { name: 'login' } : { name: 'login', query: { redirect: back } };
}
