import { ThingEntity } from '../entities/thing.entity';
import type { SoundApi, Thing } from '../sound-api';
import { SoundTokens } from '../tokens';

/** Implements the contract, imports the token file (not api.ts), returns plain data. */
export class SoundService implements SoundApi {
  readonly token = SoundTokens.SoundService;

  find(id: string): Thing {
    const row = Object.assign(new ThingEntity(), { id });
    return { id: row.id };
  }
}
