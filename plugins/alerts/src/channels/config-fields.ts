import { z } from 'zod';

/** zod pieces the channel configs share. */

/** An http(s) URL; `allowCredentials` false refuses user:password@ (such a URL would be shown in views). */
export function httpUrl(allowCredentials: boolean) {
  return z
    .string()
    .max(2048)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, 'must be an http:// or https:// URL')
    .refine((value) => {
      if (allowCredentials) return true;
      try {
        const url = new URL(value);
        return !url.username && !url.password;
      } catch {
        return true;
      }
    }, 'must not hold user:password@ (give credentials in their own field)');
}

/** A secret given as text: at least one visible character, no line breaks (it goes into a header). */
export const secretText = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max)
    .regex(/^[^\r\n]+$/, 'must be one line');

/** `https://hooks.example.com/…`: a URL whose path or query may hold a secret, shown by its origin only. */
export function endpointOf(url: string): string {
  const parsed = new URL(url);
  const hidden = parsed.pathname !== '/' || parsed.search !== '';
  return `${parsed.origin}${hidden ? '/…' : ''}`;
}

/** A URL with no trailing slash, so paths can be appended. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
