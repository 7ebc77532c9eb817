import type { AlertNotification } from '../notification';

/** Plain-text pieces every channel builds its message from, so all channels say the same thing. */

const STATUS_WORD: Record<AlertNotification['status'], string> = { firing: 'FIRING', resolved: 'RESOLVED', test: 'TEST' };

/** One line: `[FIRING] Disk / at 93 % on nas`. Line breaks are flattened (a title must stay one line, e.g. an email subject). */
export function titleOf(n: AlertNotification): string {
  return `[${STATUS_WORD[n.status]}] ${n.subject}`.replace(/[\r\n]+/g, ' ');
}

/** The facts under the summary, as label/value pairs (only those that apply). */
export function factsOf(n: AlertNotification): Array<{ label: string; value: string }> {
  const facts: Array<{ label: string; value: string }> = [{ label: 'Severity', value: n.severity }];
  if (n.serverName ?? n.serverId) facts.push({ label: 'Server', value: n.serverName ?? n.serverId ?? '' });
  facts.push({ label: 'Rule', value: n.ruleName });
  if (n.value !== null) facts.push({ label: 'Value', value: String(n.value) });
  if (n.threshold !== null) facts.push({ label: 'Threshold', value: String(n.threshold) });
  facts.push({ label: 'Started', value: n.startedAt });
  if (n.resolvedAt) facts.push({ label: 'Resolved', value: n.resolvedAt });
  return facts;
}

/** The body as plain text: the summary, then one fact a line. */
export function plainTextOf(n: AlertNotification): string {
  return [n.summary, '', ...factsOf(n).map((f) => `${f.label}: ${f.value}`)].join('\n');
}

/** A colour per state: red/orange/blue while firing by severity, green when resolved, grey for a test. */
export function colourOf(n: AlertNotification): number {
  if (n.status === 'resolved') return 0x2e7d32;
  if (n.status === 'test') return 0x607d8b;
  return n.severity === 'critical' ? 0xc62828 : n.severity === 'warning' ? 0xef6c00 : 0x1565c0;
}

/** Cuts text to `max` characters (services refuse longer fields), marking the cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
