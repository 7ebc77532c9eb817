/**
 * Tomo's account rules, checked in the browser for quick feedback. The server checks them again
 * and has the last word. Each function returns a message for the user, or undefined when the value is fine.
 */

/** Usernames: 3–32 letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$/;
/** Shortest accepted password. */
export const PASSWORD_MIN_LENGTH = 12;
/** Longest accepted password. */
export const PASSWORD_MAX_LENGTH = 1024;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "Enter <what>" when `value` is blank. */
export function checkRequired(value: string, what: string): string | undefined {
  return value.trim() === '' ? `Enter ${what}` : undefined;
}

/** Checks a new username against {@link USERNAME_PATTERN}. */
export function checkUsername(value: string): string | undefined {
  if (value.trim() === '') return 'Enter a username';
  if (value.length < 3 || value.length > 32) return 'Use 3 to 32 characters';
  if (!USERNAME_PATTERN.test(value)) return 'Use letters, digits, ".", "_" or "-", starting with a letter or digit';
  return undefined;
}

/** Checks that `value` looks like an email address. */
export function checkEmail(value: string): string | undefined {
  if (value.trim() === '') return 'Enter an email address';
  if (!EMAIL_PATTERN.test(value.trim())) return 'Enter a valid email address, like name@example.com';
  return undefined;
}

/** Checks a new password's length. */
export function checkPassword(value: string): string | undefined {
  if (value === '') return 'Enter a password';
  if (value.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (value.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  return undefined;
}

/** Checks that a repeated password matches. */
export function checkPasswordRepeat(password: string, repeat: string): string | undefined {
  if (repeat === '') return 'Enter the password again';
  return password === repeat ? undefined : 'The passwords do not match';
}
