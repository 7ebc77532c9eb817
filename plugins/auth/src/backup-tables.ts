import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * Users and their API tokens in backups, declared by their owner through `backup.tables`. A
 * module targeting backup, so auth does not depend on it: with backup disabled it does not run.
 */
export const authBackupTablesModule = definePluginModule({
  id: 'auth-backup-tables',
  targetPlugin: 'backup',
  version,
  register(ctx) {
    const tables = ctx.getExtensionPoint(backupTablesExtensionPoint);
    tables.addTable({
      table: 'auth_users',
      label: 'users',
      naturalKeys: [['usernameKey']],
      // TOTP secrets: opened into the (encrypted) archive, sealed again for the row on import.
      sealed: ['totpSecret', 'totpPendingSecret'],
      // Replacing a user ends their sessions: the password or role may have changed.
      deleteOnReplace: [{ table: 'auth_sessions', column: 'userId' }],
      describe: (r) => `user ${String(r.username)}`,
    });
    tables.addTable({ table: 'auth_api_tokens', label: 'API tokens', owner: { column: 'userId', table: 'auth_users' } });
    // Hashes only: the codes themselves were shown once and never stored.
    tables.addTable({ table: 'auth_recovery_codes', label: 'recovery codes', owner: { column: 'userId', table: 'auth_users' } });
    tables.addTable({ table: 'auth_passkeys', label: 'passkeys', owner: { column: 'userId', table: 'auth_users' } });
    // Issuer + subject only: nothing secret (the client secret lives in the config).
    tables.addTable({ table: 'auth_oidc_identities', label: 'linked sign-in identities', owner: { column: 'userId', table: 'auth_users' } });
    tables.leaveOut('auth_sessions', 'bound to the signing key of the instance that made them; people log in again');
    tables.leaveOut('auth_login_throttle', 'failed-login counts of the last minutes; they expire on their own');
  },
});
