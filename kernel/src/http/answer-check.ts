import type { z } from 'zod';

/** How an answer breaks its schema: the first issues zod reports, or the first undeclared field. */
export type AnswerMismatch = { issues: string } | { undeclared: string };

/**
 * How an answer breaks its declared schema, or null when it keeps it:
 * checked as the client receives it (through JSON: dates as strings, undefined fields gone), and
 * a field the schema does not declare counts as a break (zod would drop it silently, and an
 * undeclared field is how a secret column slips out). Shared by routes (`response`) and MCP tools
 * (`output`) in test kernels.
 */
export function answerMismatch(schema: z.ZodType, answer: unknown): AnswerMismatch | null {
  const sent: unknown = JSON.parse(JSON.stringify(answer));
  const parsed = schema.safeParse(sent);
  if (!parsed.success) {
    return { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
  }
  const extra = undeclaredField(sent, parsed.data, '');
  return extra ? { undeclared: extra } : null;
}

/** The first key present in what was sent but gone after parsing (an undeclared field), as a path. */
function undeclaredField(sent: unknown, parsed: unknown, at: string): string | null {
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (let i = 0; i < sent.length; i++) {
      const found = undeclaredField(sent[i], parsed[i], `${at}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (sent && typeof sent === 'object' && parsed && typeof parsed === 'object' && !Array.isArray(sent)) {
    for (const [key, value] of Object.entries(sent)) {
      const path = at ? `${at}.${key}` : key;
      if (!(key in parsed)) return path;
      const found = undeclaredField(value, (parsed as Record<string, unknown>)[key], path);
      if (found) return found;
    }
  }
  return null;
}
