import fs from 'node:fs';
import type { DoctorFinding } from '../../plugin/plugin-types';
import type { TomoConfig } from '../../config/config-schema';

/** Who Tomo runs as: the user this process runs as (the packaged `tomo` wrapper switches to the service user). */
export interface ServiceUser {
  uid: number;
  name: string;
}

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

/**
 * A folder Tomo writes to: present, owned by the service user, never writable by others, and
 * with no more access than `allowed` (mode bits) for group and others.
 */
function folderFinding(check: string, dir: string, allowed: number, user: ServiceUser): DoctorFinding {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return { check, ok: false, detail: `${dir} does not exist (Tomo creates it at start; check the path in the config)` };
  }
  if (!stat.isDirectory()) return { check, ok: false, detail: `${dir} is not a folder` };
  if (stat.uid !== user.uid) return { check, ok: false, detail: `${dir} is owned by uid ${stat.uid}, not by the service user ${user.name} (uid ${user.uid}): chown ${user.name} ${dir}` };
  const extra = stat.mode & 0o077 & ~allowed;
  if (extra) return { check, ok: false, detail: `${dir} has mode ${octal(stat.mode)}: group and others may have at most ${octal(allowed)} (chmod ${octal(stat.mode & ~extra)} ${dir})` };
  return { check, ok: true, detail: `${dir} (owner ${user.name}, mode ${octal(stat.mode)})` };
}

/** The data, log and secrets folders: owned by the service user; the secrets folder private to it. */
export function folderFindings(config: TomoConfig, user: ServiceUser, secretsDir: string): DoctorFinding[] {
  return [
    folderFinding('data folder', config.dataDir, 0o050, user),
    folderFinding('log folder', config.logDir, 0o050, user),
    folderFinding('secrets folder', secretsDir, 0, user),
  ];
}

/** The vault's master key: present, mode 0600, owned by the service user (Tomo refuses to start otherwise). */
export function vaultKeyFinding(keyFile: string, user: ServiceUser): DoctorFinding {
  const check = 'vault key';
  let stat: fs.Stats;
  try {
    stat = fs.statSync(keyFile);
  } catch {
    return { check, ok: false, detail: `${keyFile} does not exist: without it the stored credentials cannot be decrypted (restore it from a backup; Tomo creates a new one only on first start)` };
  }
  if (!stat.isFile()) return { check, ok: false, detail: `${keyFile} is not a file` };
  if ((stat.mode & 0o777) !== 0o600) return { check, ok: false, detail: `${keyFile} has mode ${octal(stat.mode)}: it must be 0600, readable by its owner only (chmod 600 ${keyFile})` };
  if (stat.uid !== user.uid) return { check, ok: false, detail: `${keyFile} is owned by uid ${stat.uid}, not by the service user ${user.name} (uid ${user.uid}): chown ${user.name} ${keyFile}` };
  if (stat.size === 0) return { check, ok: false, detail: `${keyFile} is empty` };
  return { check, ok: true, detail: `${keyFile} (owner ${user.name}, mode 0600)` };
}
