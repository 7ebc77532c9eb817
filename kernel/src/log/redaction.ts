/**
 * Field names whose values are secrets. pino replaces them with "[redacted]" at any of the
 * depths listed, so a careless `log.info({ body })` cannot leak a password or a key.
 */
export const SECRET_FIELD_NAMES = [
  'password',
  'currentPassword',
  'newPassword',
  'passphrase',
  'privateKey',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'setupCode',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'sudoPassword',
  'backupPassword',
] as const;

/** pino `redact.paths` covering each secret name at the top level and up to three levels down. */
export function redactionPaths(): string[] {
  const paths: string[] = [];
  for (const name of SECRET_FIELD_NAMES) {
    paths.push(name, `*.${name}`, `*.*.${name}`, `*.*.*.${name}`);
  }
  paths.push('req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'Authorization', '*.Authorization', 'Cookie', '*.Cookie', 'headers.authorization', 'headers.cookie');
  return paths;
}
