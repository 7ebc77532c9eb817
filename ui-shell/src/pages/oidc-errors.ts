/**
 * What the login page says for a refused single sign-on: the backend redirects to `/login?oidcError=<code>`
 * (plugins/auth/src/oidc/oidc.routes.ts) with the refusal's code and keeps the reason in its log; the user gets
 * a sentence that says what to do.
 */
const MESSAGES: Record<string, string> = {
  unknown_provider: 'That single sign-on provider is not configured on this Tomo.',
  invalid_state: 'The single sign-on took too long or was started in another browser tab or window. Please try again.',
  provider_error: 'The identity provider did not complete the sign-in. Please try again, or ask your administrator.',
  invalid_response: "The identity provider's answer could not be verified, so you were not signed in. Please try again.",
  email_not_verified: 'Your identity provider has not verified your email address, so it cannot be used to sign in to Tomo.',
  signup_not_allowed: 'There is no Tomo account for your email address, and this provider may not create one. Ask an administrator to add you.',
  user_disabled: 'Your Tomo account is disabled. Ask an administrator.',
  conflict: 'A Tomo account could not be created for you (no free username). Ask an administrator to add you.',
};

const FALLBACK = 'Single sign-on failed. Please try again.';

/** The message for `?oidcError=` (a code this console does not know still gets the general one); '' when absent. */
export function oidcErrorMessage(code: unknown): string {
  if (typeof code !== 'string' || code === '') return '';
  return Object.hasOwn(MESSAGES, code) ? MESSAGES[code] : FALLBACK;
}
