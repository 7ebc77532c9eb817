import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One app installed (or being installed) on a server, with the configuration used. The owner is
 * the server's owner, so the same ownership rules apply. Secret settings are sealed with the
 * vault (bound to the installation's id); nothing secret is stored in clear.
 */
@Entity({ name: 'app_installations' })
@Index('IDX_app_installations_serverId', ['serverId'])
@Index('UQ_app_installations_server_container', ['serverId', 'containerName'], { unique: true })
export class InstallationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  serverId: string;

  @Column({ type: 'varchar', length: 36 })
  ownerId: string;

  @Column({ type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 200 })
  appName: string;

  @Column({ type: 'varchar', length: 300 })
  image: string;

  @Column({ type: 'varchar', length: 64 })
  containerName: string;

  @Column({ type: 'varchar', length: 80, nullable: true })
  containerId: string | null;

  /** What Tomo last did or saw: installing, failed, running, stopped, removing (the engine's view is added when listed). */
  @Column({ type: 'varchar', length: 16 })
  state: 'installing' | 'failed' | 'running' | 'stopped' | 'removing';

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error: string | null;

  /** JSON: the published ports. */
  @Column({ type: 'text' })
  portsJson: string;

  /** JSON: the non-secret settings by env name. */
  @Column({ type: 'text' })
  settingsJson: string;

  /** JSON: the names of the secret settings. */
  @Column({ type: 'text' })
  secretNamesJson: string;

  /** Vault-sealed JSON of the secret settings' values (null when there are none). */
  @Column({ type: 'text', nullable: true })
  secretsSealed: string | null;

  /** JSON: the capabilities added. */
  @Column({ type: 'text' })
  capabilitiesJson: string;

  /** JSON: the app definition used, so the installation stays explainable when the catalog changes. */
  @Column({ type: 'text' })
  definitionJson: string;

  @Column({ type: 'varchar', length: 500 })
  dataDir: string;

  /**
   * How it is deployed: `compose` (a Compose project named {@link projectName}) or `engine` (one
   * container created through the Engine API: installations of earlier releases, and single-container
   * apps on servers without Compose v2). Rows from before the column existed are `engine`.
   */
  @Column({ type: 'varchar', length: 16, default: 'engine' })
  deployment: 'engine' | 'compose';

  /** The Compose project name on the server (`compose` only). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  projectName: string | null;

  /** JSON: the project's service names (`compose` only), so a service whose container is gone shows as missing. */
  @Column({ type: 'text', nullable: true })
  servicesJson: string | null;

  /** Absolute path of the compose file on the server (`compose` only). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  composeFile: string | null;

  /** JSON `ServiceImage[]`: the image digest each service runs (recorded at install and update; null before updates existed). */
  @Column({ type: 'text', nullable: true })
  imageDigestsJson: string | null;

  /** JSON `SnapshotRecord[]`: the data snapshots taken before updates, newest last (at most three). */
  @Column({ type: 'text', nullable: true })
  snapshotsJson: string | null;

  /** JSON `UpdateRecord`: the last update check and the last update's outcome. */
  @Column({ type: 'text', nullable: true })
  updateJson: string | null;

  /** JSON: the install steps and their state. */
  @Column({ type: 'text' })
  progressJson: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  /**
   * The instance (`host:pid`) that runs or last ran an install, uninstall, update or rollback of
   * it: an operation left in progress is cut off only when that instance is gone.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  operatorInstance: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
