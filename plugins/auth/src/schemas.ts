import { z } from 'zod';

/**
 * Input rules shared by the HTTP routes, the MCP tools and the CLI, so every door applies the
 * same validation with the same messages.
 */
export const usernameSchema = z
  .string()
  .min(3, 'must be 3 to 32 characters')
  .max(32, 'must be 3 to 32 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-", and must start with a letter or digit');

export const emailSchema = z.email('must be a valid email address').max(254, 'must be at most 254 characters');

/** Long passphrases welcome: bcrypt's 72-byte limit is handled by pre-hashing (see PasswordHasher). */
export const passwordSchema = z.string().min(12, 'must be at least 12 characters').max(1024, 'must be at most 1024 characters');

export const roleSchema = z.enum(['admin', 'user'], 'must be "admin" or "user"');

export const loginInput = z.strictObject({
  username: z.string().min(1, 'is required').max(256, 'is too long'),
  password: z.string().min(1, 'is required').max(1024, 'is too long'),
});

export const createUserInput = z.strictObject({
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
  role: roleSchema.default('user'),
});

export const updateUserInput = z.strictObject({
  email: emailSchema.optional(),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
});

export const setupInput = z.strictObject({
  setupCode: z.string().min(1, 'is required').max(64, 'is too long'),
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export const changePasswordInput = z.strictObject({
  currentPassword: z.string().min(1, 'is required').max(1024, 'is too long'),
  newPassword: passwordSchema,
});

export const createTokenInput = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters').regex(/^[^\p{Cc}]+$/u, 'must not contain control characters'),
  expiresInDays: z.number().int('must be a whole number').min(1, 'must be 1 to 3650').max(3650, 'must be 1 to 3650').optional(),
});

export const idParams = z.strictObject({ id: z.uuid('must be a valid id') });

/** A user as every door shows it: never the password hash. */
export const publicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type PublicUser = z.output<typeof publicUserSchema>;

export const publicTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type PublicApiToken = z.output<typeof publicTokenSchema>;

/** A second-factor code as typed: a 6-digit TOTP code or a recovery code (dashes and spaces allowed). */
export const secondFactorCodeSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(32, 'is too long')
  .regex(/^(\d{6}|[0-9A-Za-z][0-9A-Za-z -]{14,30})$/, 'must be a 6-digit authenticator code or a recovery code');

export const secondFactorLoginInput = z.strictObject({
  challenge: z.string().min(1, 'is required').max(128, 'is too long'),
  code: secondFactorCodeSchema,
});

/** The MCP `login` tool's input: a password login plus the code for an account with two-factor on. */
export const mcpLoginInput = loginInput.extend({ totp: secondFactorCodeSchema.optional() });

export const totpCodeInput = z.strictObject({ code: secondFactorCodeSchema });

export const totpDisableInput = z.strictObject({
  password: z.string().min(1, 'is required').max(1024, 'is too long'),
  code: secondFactorCodeSchema,
});

/** Which second factors a user has (never a secret). */
export const factorsSchema = z.object({
  totp: z.boolean(),
  passkeys: z.number().int(),
  recoveryCodesLeft: z.number().int(),
});

/** A user with their second factors, for `me` and the Users page. */
export const userWithFactorsSchema = publicUserSchema.extend({ factors: factorsSchema });

export const loginResultSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: publicUserSchema,
  twoFactorEnrolmentRequired: z.boolean().meta({ description: 'The two-factor policy covers this user and they have no second factor yet: enrol one now (the console opens the Account page)' }),
});

export const recoveryCodesSchema = z.object({
  recoveryCodes: z.array(z.string()).meta({ description: 'Single-use recovery codes, shown this once: store them somewhere safe' }),
});
