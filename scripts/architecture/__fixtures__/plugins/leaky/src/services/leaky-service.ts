import { leakyHooks } from '../api';
import { ThingEntity } from '../entities/thing.entity';

export class LeakyService {
  readonly event = leakyHooks.changed;

  find(id: string): ThingEntity {
    return Object.assign(new ThingEntity(), { id });
  }
}
