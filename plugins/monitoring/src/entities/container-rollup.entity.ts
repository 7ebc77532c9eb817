import { Column, Entity, PrimaryColumn } from 'typeorm';
import { storedAs } from '../metrics/metric-codec';

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

  /** Stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercentMin') })
  cpuPercentMin: number | null;

  /** Stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercentAvg') })
  cpuPercentAvg: number | null;

  /** Stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercentMax') })
  cpuPercentMax: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memBytesAvg') })
  memBytesAvg: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memBytesMax') })
  memBytesMax: number | null;
}
