import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far the rollup job got: every bucket of `resolution` seconds of `series` that starts before
 * `watermark` (epoch seconds) is rolled up. Rows of the finer level before it may go.
 */
@Entity({ name: 'metric_rollup_watermarks' })
export class RollupWatermarkEntity {
  /** The rollup table: `metric_rollups`, or `container_rollups`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  series: string;

  @PrimaryColumn({ type: 'integer' })
  resolution: number;

  @Column({ type: 'bigint' })
  watermark: number;
}
