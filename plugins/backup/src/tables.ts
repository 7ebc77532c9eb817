/**
 * What a backup carries, table by table, and how each table's rows find their match on the
 * instance they are imported into. Order matters: parents come before the rows that point at
 * them, so an import can remap ids in one pass.
 */
export interface TableSpec {
  table: string;
  /** What a person calls these rows, for summaries and progress. */
  label: string;
  /** Only with `--include-history` (activity, metrics: large, and not needed to run). */
  history?: boolean;
  /** Columns holding vault-sealed values bound to the row's `id`: opened on export, sealed again for the new id on import. */
  sealed?: readonly string[];
  /** Columns that point at another table's `id`: remapped when that row matched an existing one. */
  refs?: Readonly<Record<string, string>>;
  /**
   * Columns that name the same record on another instance, besides its id: each inner list is
   * one unique key, compared after reference columns were remapped.
   */
  naturalKeys?: readonly (readonly string[])[];
  /** Rows that belong to a parent row follow its fate (inserted, replaced, or skipped with it). */
  owner?: { column: string; table: string };
  /** The id is an integer the database hands out: not carried, a new one is given on import. */
  generatedId?: boolean;
  /** Renders a row's natural key for the conflict list (no secret, ever). */
  describe?(row: Record<string, unknown>): string;
}

/** The built-in plugins' tables: auth, servers, preparation, apps. */
export const BUILTIN_TABLES: readonly TableSpec[] = [
  {
    table: 'auth_users',
    label: 'users',
    naturalKeys: [['usernameKey']],
    describe: (r) => `user ${String(r.username)}`,
  },
  { table: 'auth_api_tokens', label: 'API tokens', owner: { column: 'userId', table: 'auth_users' } },
  {
    table: 'servers',
    label: 'servers',
    sealed: ['credentialsSealed'],
    refs: { ownerId: 'auth_users' },
    // Tomo's own rule: names are unique per owner. Host and port are not a key: two entries may
    // reach the same machine (as another user, or with another key).
    naturalKeys: [['ownerId', 'name']],
    describe: (r) => `server ${String(r.name)} (${String(r.host)}:${String(r.port)})`,
  },
  { table: 'preparations', label: 'preparation states', owner: { column: 'serverId', table: 'servers' }, refs: { startedBy: 'auth_users' } },
  { table: 'preparation_logs', label: 'preparation log lines', owner: { column: 'serverId', table: 'servers' }, generatedId: true },
  {
    table: 'app_installations',
    label: 'installed apps',
    sealed: ['secretsSealed'],
    refs: { serverId: 'servers', ownerId: 'auth_users', createdBy: 'auth_users' },
    naturalKeys: [['serverId', 'containerName']],
    describe: (r) => `app ${String(r.appName)} (container ${String(r.containerName)})`,
  },
];

/**
 * Never carried: bookkeeping of the database itself, and sessions (they are bound to the source's
 * signing key and would not work anyway; people log in again).
 */
export const NEVER_CARRIED = new Set(['migrations', 'typeorm_metadata', 'auth_sessions', 'sqlite_sequence']);

/**
 * Tables no spec claims (a monitoring plugin's metrics, an activity log, a third-party plugin's
 * data) are carried as history, row for row: ids kept, and the usual reference columns remapped.
 */
export function unclaimedTableSpec(table: string): TableSpec {
  return { table, label: table, history: true, refs: { serverId: 'servers', userId: 'auth_users', ownerId: 'auth_users' } };
}
