import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The preparation state of one server (one record per server; a re-run or retry updates it). */
@Entity({ name: 'preparations' })
@Index('UQ_preparations_serverId', ['serverId'], { unique: true })
export class PreparationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  serverId: string;

  @Column({ type: 'varchar', length: 16 })
  status: 'pending' | 'in_progress' | 'completed' | 'failed';

  @Column({ type: 'varchar', length: 64, nullable: true })
  currentStep: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  failedStep: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error: string | null;

  /** JSON: the plan's steps with their state. */
  @Column({ type: 'text' })
  stepsJson: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  preparerId: string | null;

  /** JSON of the detected OS. */
  @Column({ type: 'text', nullable: true })
  osJson: string | null;

  /** JSON of the ComposeStatus the compose step recorded (null until a run reached it). */
  @Column({ type: 'text', nullable: true })
  composeJson: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  startedBy: string | null;

  @Column({ type: 'datetime', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'datetime' })
  updatedAt: Date;

  /** The instance that runs (or last ran) the preparation: several instances may share the database. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  operatorInstance: string | null;
}
