import { z } from 'zod';

/**
 * Input and output rules of the passkey routes. The browser's answers are checked for shape here
 * (so a malformed one is a 400 naming the field); what they prove is checked by
 * @simplewebauthn/server in PasskeyService.
 */

const b64url = (max: number) =>
  z
    .string()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** A name the user gives a passkey ("Laptop", "YubiKey"). */
export const passkeyNameSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'], 'must be a known transport')).max(8).optional();

/** `PublicKeyCredential` of a registration, as @simplewebauthn/browser's startRegistration returns it. */
export const registrationResponseSchema = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key', 'must be "public-key"'),
  response: z.object({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(65536),
    transports,
    authenticatorData: b64url(65536).optional(),
    publicKey: b64url(8192).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform'], 'must be "platform" or "cross-platform"').optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/** `PublicKeyCredential` of a sign-in, as startAuthentication returns it. */
export const authenticationResponseSchema = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key', 'must be "public-key"'),
  response: z.object({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(65536),
    signature: b64url(8192),
    userHandle: b64url(1024).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform'], 'must be "platform" or "cross-platform"').optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

export const registerPasskeyInput = z.strictObject({ name: passkeyNameSchema, response: registrationResponseSchema });
export const renamePasskeyInput = z.strictObject({ name: passkeyNameSchema });
/** `challenge`: the second-factor challenge of a password sign-in; without it, a password-less sign-in. */
export const passkeyLoginOptionsInput = z.strictObject({ challenge: z.string().min(1, 'is required').max(128, 'is too long').optional() });
export const passkeyLoginInput = z.strictObject({ response: authenticationResponseSchema });

/** A passkey as listed: never its public key or credential id. */
export const publicPasskeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  /** Synced by a password manager or a platform account (multi-device), or bound to one authenticator. */
  synced: z.boolean(),
});
export type PublicPasskey = z.output<typeof publicPasskeySchema>;

/** Options for the browser's navigator.credentials call, passed through as @simplewebauthn/server made them. */
export const webauthnOptionsSchema = z.record(z.string(), z.unknown());
