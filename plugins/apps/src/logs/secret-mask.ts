/** What a secret value is replaced by in every log line Tomo shows. */
export const MASK = '••••••';

/**
 * Values shorter than this are not masked: a secret setting of one or two characters would blank
 * out that letter in every line and make the logs unreadable while hiding nothing useful. Values
 * Tomo generates are 24 characters or more.
 */
export const MIN_MASKED_LENGTH = 4;

/**
 * A function that replaces every occurrence of the installation's secret values (the passwords
 * and keys Tomo generated and any secret the user gave) in a line by {@link MASK}. Longer values
 * are replaced first, so a secret that contains another is masked whole.
 */
export function secretMasker(values: readonly string[]): (text: string) => string {
  const secrets = [...new Set(values.filter((v) => v.length >= MIN_MASKED_LENGTH))].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  const pattern = new RegExp(secrets.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, MASK);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
