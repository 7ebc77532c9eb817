import { z } from 'zod';

/** A terminal size as the contract bounds it (the WebSocket's query and `resize` messages). */
export const COLS = z.coerce.number().int().min(2).max(1000);
export const ROWS = z.coerce.number().int().min(2).max(500);

const resizeMessage = z.strictObject({ type: z.literal('resize'), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(500) });

/** A client's text frame: a `resize`, or what is wrong with it. */
export function parseControl(text: string): { type: 'resize'; cols: number; rows: number } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'A text frame must be a JSON control message' };
  }
  const parsed = resizeMessage.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue.path.join('.') || 'message'}: ${issue.message} (expected {"type":"resize","cols":2..1000,"rows":2..500})` };
  }
  return parsed.data;
}
