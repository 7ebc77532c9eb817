import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Named so that it cannot collide with the key of the table this one replaced (migration 1764900500000). */
const PK = 'PK_container_rollups_by_series';

/**
 * A Tomo-managed container's samples of one time bucket, rolled up like a server's
 * (`metric_rollups`): `resolution` 300 or 3600 seconds, `ts` the bucket's start.
 */
@Entity({ name: 'container_rollups', withoutRowid: true })
export class ContainerRollupEntity {
  /** `container_series.id`: the installed app (its server is there too). */
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: PK })
  seriesId: number;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: PK })
  resolution: number;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: PK })
  ts: number;

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
