import type { z } from 'zod';
import { AppError } from '../errors';

/**
 * Turns a zod failure into a 400 naming the first field at fault and the rule it broke.
 * Unknown fields are reported by name ("unknown field"), since strict schemas reject them.
 */
export function zodErrorToAppError(error: z.ZodError, location: 'body' | 'query' | 'params' | 'arguments'): AppError {
  const issue = error.issues[0];
  let field = issue.path.map(String).join('.');
  let rule = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    field = [field, keys[0]].filter(Boolean).join('.');
    rule = `unknown field${keys.length > 1 ? `s (${keys.join(', ')})` : ''}: not accepted here`;
  } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    rule = 'is required';
  }
  const where = field || location;
  const err = new AppError(400, 'validation_failed', `${where}: ${rule}`, field || undefined);
  return err;
}
