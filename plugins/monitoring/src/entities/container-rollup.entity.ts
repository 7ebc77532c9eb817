import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A Tomo-managed container's samples of one time bucket, rolled up like a server's
 * (`metric_rollups`): `resolution` 300 or 3600 seconds, `ts` the bucket's start.
 */
@Entity({ name: 'container_rollups', withoutRowid: true })
@Index('IDX_container_rollups_server', ['serverId'])
export class ContainerRollupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  installationId: string;

  @PrimaryColumn({ type: 'integer' })
  resolution: number;

  @PrimaryColumn({ type: 'bigint' })
  ts: number;

  @Column({ type: 'varchar', length: 36 })
  serverId: string;

  /** Raw samples in the bucket. */
  @Column({ type: 'integer' })
  samples: number;

  @Column({ type: 'integer' })
  cpuPercentSamples: number;

  @Column({ type: 'float', nullable: true })
  cpuPercentMin: number | null;

  @Column({ type: 'float', nullable: true })
  cpuPercentAvg: number | null;

  @Column({ type: 'float', nullable: true })
  cpuPercentMax: number | null;

  @Column({ type: 'float', nullable: true })
  memBytesAvg: number | null;

  @Column({ type: 'bigint', nullable: true })
  memBytesMax: number | null;
}
