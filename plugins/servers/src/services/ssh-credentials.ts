import { badRequest, lazyModule } from '@tomo/kernel';
import type { CredentialsInput } from '../schemas';

/** ssh2 (and its 16 MiB WebAssembly Poly1305) loads when a key is first checked, not at start-up (issue 19, idle memory). */
const ssh2 = lazyModule<typeof import('ssh2')>(require, 'ssh2');

/** What the vault holds for a server. */
export type StoredCredentials = { type: 'password'; password: string } | { type: 'key'; privateKey: string; passphrase?: string };

/**
 * Checks credentials before anything is saved: a password must be present for password auth;
 * a key must parse (with its passphrase, when encrypted). Errors name the field; none quotes
 * the secret.
 */
export function checkCredentials(authType: 'password' | 'key', input: CredentialsInput): StoredCredentials {
  if (authType === 'password') {
    if (!input.password) throw badRequest('credentials.password', 'credentials.password: is required when authType is "password"');
    if (input.privateKey) throw badRequest('credentials.privateKey', 'credentials.privateKey: not accepted when authType is "password"');
    if (input.passphrase) throw badRequest('credentials.passphrase', 'credentials.passphrase: not accepted when authType is "password"');
    return { type: 'password', password: input.password };
  }
  if (!input.privateKey) throw badRequest('credentials.privateKey', 'credentials.privateKey: is required when authType is "key"');
  if (input.password) throw badRequest('credentials.password', 'credentials.password: not accepted when authType is "key" (use passphrase for an encrypted key)');
  const parsed = ssh2().utils.parseKey(input.privateKey, input.passphrase || undefined);
  if (parsed instanceof Error) {
    if (/passphrase|decrypt|bad decrypt|Encrypted/i.test(parsed.message)) {
      throw badRequest('credentials.passphrase', input.passphrase ? 'credentials.passphrase: does not decrypt the private key' : 'credentials.passphrase: the private key is encrypted; give its passphrase');
    }
    throw badRequest('credentials.privateKey', 'credentials.privateKey: not a supported private key (OpenSSH, PEM RSA/ECDSA or ed25519)');
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) throw badRequest('credentials.privateKey', 'credentials.privateKey: is a public key; paste the private key');
  return { type: 'key', privateKey: input.privateKey, ...(input.passphrase ? { passphrase: input.passphrase } : {}) };
}
