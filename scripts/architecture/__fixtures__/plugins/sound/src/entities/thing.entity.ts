import { Entity, PrimaryColumn } from 'typeorm';

@Entity('sound_things')
export class ThingEntity {
  @PrimaryColumn('text')
  id!: string;
}
