import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One timestamped, step-tagged line of a server's preparation log (secrets already redacted). */
@Entity({ name: 'preparation_logs' })
@Index('IDX_preparation_logs_serverId', ['serverId'])
export class PreparationLogEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 36 })
  serverId: string;

  @Column({ type: 'datetime' })
  at: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  step: string | null;

  @Column({ type: 'varchar', length: 8 })
  level: 'info' | 'warn' | 'error';

  @Column({ type: 'varchar', length: 4000 })
  message: string;
}
