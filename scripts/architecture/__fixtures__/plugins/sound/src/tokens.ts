import type { SoundApi } from './sound-api';

export const SoundTokens = Object.freeze({ SoundService: Symbol('sound.SoundService') as symbol & { readonly api?: SoundApi } });
