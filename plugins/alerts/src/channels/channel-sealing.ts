import type { SecretVault } from '@tomo/kernel';

/**
 * Splits a validated config into its non-secret settings and its secret fields, and seals the
 * secrets with the vault, bound to the channel's id (a sealed value copied onto another channel
 * does not open).
 */
export function splitConfig(config: Record<string, unknown>, secretFields: readonly string[]): { settings: Record<string, unknown>; secrets: Record<string, string> } {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (secretFields.includes(key)) secrets[key] = String(value);
    else settings[key] = value;
  }
  return { settings, secrets };
}

export function sealSecrets(vault: SecretVault, channelId: string, secrets: Record<string, string>): string {
  return vault.seal(JSON.stringify(secrets), channelId);
}

export function openSecrets(vault: SecretVault, channelId: string, sealed: string): Record<string, string> {
  return JSON.parse(vault.openText(sealed, channelId)) as Record<string, string>;
}

/**
 * The strings an error text must not contain for a channel: each secret, and the pieces of a
 * secret URL that could show up alone (path segments, query values, userinfo), so a receiver
 * echoing its own address or a library quoting part of it cannot leak the token in it.
 */
export function secretNeedles(secrets: Record<string, string>): string[] {
  const needles = new Set<string>();
  for (const value of Object.values(secrets)) {
    if (value.length >= 4) needles.add(value);
    let url: URL | null = null;
    try {
      url = /^https?:\/\//i.test(value) ? new URL(value) : null;
    } catch {
      url = null;
    }
    if (!url) continue;
    for (const part of [url.username, url.password, ...url.pathname.split('/'), ...[...url.searchParams.values()]]) {
      // Short segments ("api", "hooks") are not secrets, and scrubbing them would garble the text.
      if (part.length >= 8) {
        needles.add(part);
        needles.add(decodeURIComponent(part));
      }
    }
    if (url.pathname.length > 1) needles.add(url.pathname);
  }
  return [...needles].sort((a, b) => b.length - a.length);
}

/** Replaces every needle in `text` with `[secret]`. */
export function scrub(text: string, needles: readonly string[]): string {
  let out = text;
  for (const needle of needles) out = out.split(needle).join('[secret]');
  return out;
}
