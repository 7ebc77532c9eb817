import { readFileSync } from 'node:fs';
import type { SecretVault } from '@tomo/kernel';
import type { OidcProviderConfig } from './oidc-config';

/** The vault record a provider's sealed client secret is bound to. */
export const clientSecretRecord = (providerId: string): string => `auth.oidc.${providerId}`;

/**
 * The client secret from wherever the config says it is (sealed value, environment variable or
 * file), or undefined for a public client. Errors name the source, never the value.
 */
export function resolveClientSecret(providerId: string, config: OidcProviderConfig, vault: Pick<SecretVault, 'openText'>): string | undefined {
  if (config.clientSecret) return vault.openText(config.clientSecret, clientSecretRecord(providerId));
  if (config.clientSecretEnv) {
    const value = process.env[config.clientSecretEnv];
    if (!value) throw new Error(`auth.oidc.${providerId}.clientSecretEnv: the environment variable ${config.clientSecretEnv} is not set`);
    return value;
  }
  if (config.clientSecretFile) return readFileSync(config.clientSecretFile, 'utf8').trim();
  return undefined;
}
