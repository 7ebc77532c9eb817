import { isIP } from 'node:net';
import { z } from 'zod';
import { DATABASE_URL_RULE, parseDatabaseUrl } from '../db/database-url';

/** `10.0.0.5`, `::1`, `10.0.0.0/8`, `fd00::/8`: an address, or one with a prefix length its family allows. */
function isAddressOrRange(value: string): boolean {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(value);
  const family = match ? isIP(match[1]) : 0;
  if (!match || family === 0) return false;
  return match[2] === undefined || Number(match[2]) <= (family === 4 ? 32 : 128);
}

/** Where JSON log lines can go. */
export const LOG_TARGETS = ['file', 'stdout'] as const;
/** One of {@link LOG_TARGETS}. */
export type LogTarget = (typeof LOG_TARGETS)[number];

/**
 * The kernel's part of the configuration. Plugins validate their own section
 * (`config.<pluginId>`) with the schema they declare in `definePlugin({ config })`.
 */
export const kernelConfigSchema = z.strictObject({
  /** The HTTP server. */
  server: z
    .strictObject({
      /** Address to bind; localhost by default because a reverse proxy fronts Tomo. */
      host: z.string().min(1).default('127.0.0.1'),
      /** TCP port to listen on; 0 picks a free one (tests). */
      port: z.coerce.number().int().min(0).max(65535).default(8080),
      /** Largest JSON body accepted, in bytes. */
      bodyLimitBytes: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
      /** Trust X-Forwarded-For from the reverse proxy (only when one is really in front). */
      trustProxy: z.boolean().default(false),
      /** How long shutdown waits for in-flight requests before closing them, in ms. */
      shutdownGraceMs: z.coerce.number().int().min(0).max(120000).default(10000),
      /**
       * The address people open the console at (`https://tomo.example.com`), as their browser shows
       * it: passkeys are bound to its host name and only accepted from its origin. Without it, Tomo
       * assumes `http://localhost:<port>` (a try-out on this machine).
       */
      publicUrl: z
        .string()
        .url()
        .refine((v) => /^https?:\/\/[^/?#]+\/?$/.test(v), 'must be an http:// or https:// address with no path, query or fragment (e.g. https://tomo.example.com)')
        .optional(),
    })
    .prefault({}),
  /** Folder for the SQLite file, the secrets Tomo generates, and plugin data. */
  dataDir: z.string().min(1).default('./data'),
  /** Folder for log files; defaults to `<dataDir>/logs`. */
  logDir: z.string().min(1).optional(),
  /** Logging. */
  log: z
    .strictObject({
      /** pino level: messages below it are not written. */
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Also print human-readable lines to the console (off under systemd, where JSON lines go to the journal). */
      pretty: z.boolean().default(false),
      /**
       * Where `tomo serve` writes the JSON lines: `file` (`<logDir>/tomo.log`) and/or `stdout` (the
       * journal under systemd, `docker logs`). With `pretty` (a terminal), stdout shows the readable
       * lines instead. One-shot commands (`migrate`, `admin create`) log to the file only.
       */
      targets: z
        .array(z.enum(LOG_TARGETS))
        .min(1, 'needs at least one target (file, stdout)')
        .refine((list) => new Set(list).size === list.length, 'names a target twice')
        .default(['file', 'stdout']),
    })
    .prefault({}),
  /** Where third-party plugins come from, and which plugins not to load. */
  plugins: z
    .strictObject({
      /** Folders holding third-party plugin packages (each subfolder, or its node_modules). */
      dirs: z.array(z.string().min(1)).default([]),
      /** Plugin ids not to load. */
      disabled: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** The database: SQLite (the default, one file) or PostgreSQL (`url`). */
  database: z
    .strictObject({
      /**
       * `postgres://user:password@host[:port]/database` runs Tomo on PostgreSQL; `sqlite:<file>`
       * names the SQLite file (like `file`). Unset: SQLite. Carries a password: never shown.
       */
      url: z.string().refine((v) => parseDatabaseUrl(v) !== undefined, DATABASE_URL_RULE).optional(),
      /** SQLite file; defaults to `<dataDir>/tomo.db`. */
      file: z.string().min(1).optional(),
      /** How long a writer waits for a lock before failing, in ms (SQLite); PostgreSQL's lock_timeout. */
      busyTimeoutMs: z.coerce.number().int().min(0).max(60000).default(5000),
      /** PostgreSQL: connections this instance keeps open at most. */
      poolSize: z.coerce.number().int().min(1).max(200).default(10),
    })
    .refine((d) => !(d.file && d.url && parseDatabaseUrl(d.url)?.kind === 'postgres'), {
      message: 'give either file (SQLite) or a postgres:// url, not both',
      path: ['file'],
    })
    .prefault({}),
  /** Several instances on one PostgreSQL database (ignored on SQLite: one instance leads alone). */
  cluster: z
    .strictObject({
      /**
       * How often an instance that does not lead tries to take the lead, in ms: when the leader
       * dies, another runs the background work within this (keep it below the poll interval).
       */
      leaderCheckMs: z.coerce.number().int().min(100).max(60000).default(5000),
    })
    .prefault({}),
  /** The secret vault ({@link SecretVault}). */
  vault: z
    .strictObject({
      /** The master key file; defaults to `<dataDir>/secrets/vault.key`. Never put it in a backup unencrypted. */
      keyFile: z.string().min(1).optional(),
    })
    .prefault({}),
  /** `GET /metrics` (Prometheus). */
  metrics: z
    .strictObject({
      /**
       * Client addresses that may scrape without a token: addresses (`192.168.1.10`, `::1`) or
       * ranges (`10.0.0.0/8`). Others need an admin API token. Behind a reverse proxy on the same
       * machine every client is the proxy's address unless `server.trustProxy` is on.
       */
      allowFrom: z.array(z.string().refine(isAddressOrRange, 'must be an IP address or a CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)')).default([]),
    })
    .prefault({}),
  /** The MCP endpoint (`/mcp`). */
  mcp: z
    .strictObject({
      /** An MCP session with no request for this long is closed, in ms. */
      sessionIdleMs: z.coerce.number().int().min(1000).default(30 * 60 * 1000),
    })
    .prefault({}),
});

/** The kernel's validated configuration plus each plugin's raw section (validated by the plugin's schema). */
export type KernelConfig = z.output<typeof kernelConfigSchema>;

/** Everything from the config file and environment: the kernel keys, and one section per plugin id. */
export type TomoConfig = Readonly<
  Omit<KernelConfig, 'logDir' | 'database' | 'vault'> & {
    /** Absolute. */
    logDir: string;
    /** As in {@link KernelConfig}, resolved: which engine, and where. */
    database: ResolvedDatabaseConfig;
    /** As in {@link KernelConfig}, with the key file resolved. */
    vault: {
      /** Absolute path of the vault's master key file. */
      keyFile: string;
    };
    /**
     * Every top-level key that is not the kernel's, unvalidated: a section per plugin id (each
     * plugin's `config` schema validates its own), and any others a plugin declares in `configSections`.
     */
    sections: Readonly<Record<string, unknown>>;
  }
>;

/** The database Tomo opens, after defaults: a SQLite file, or a PostgreSQL server. */
export type ResolvedDatabaseConfig =
  | {
      kind: 'sqlite';
      /** Absolute path of the SQLite file. */
      file: string;
      /** How long a writer waits for a lock before failing, in ms. */
      busyTimeoutMs: number;
    }
  | {
      kind: 'postgres';
      /** The connection URL. Holds a password: never log or show it (`describeDatabase`). */
      url: string;
      /** How long a statement waits for a lock before failing, in ms. */
      busyTimeoutMs: number;
      /** Connections this instance keeps open at most. */
      poolSize: number;
    };
