/**
 * Replaces known secrets (the SSH password used for sudo, a sudo password given for the run)
 * in any text before it is stored, streamed or logged. Short values are ignored: redacting
 * "a" would shred every line.
 */
export class SecretRedactor {
  private readonly secrets: string[];

  constructor(secrets: Array<string | null | undefined>) {
    this.secrets = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}
