import type { Role } from '@tomo/ui-shell/kit';

/** The role choices of the user forms. */
export const ROLE_OPTIONS = [
  { value: 'user', label: 'User — manages their own servers and apps' },
  { value: 'admin', label: 'Administrator — also manages users and everything else' },
] as const;

/** Narrows a select's value to a role. */
export function asRole(value: string): Role {
  return value === 'admin' ? 'admin' : 'user';
}
