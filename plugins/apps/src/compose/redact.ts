/** Placeholder for a secret value in a message. */
export const REDACTED = '[secret]';

/**
 * `text` with every occurrence of each secret replaced by {@link REDACTED}, longest first (so a
 * secret that contains another is blanked whole). Empty values are ignored: they hide nothing.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out;
}
