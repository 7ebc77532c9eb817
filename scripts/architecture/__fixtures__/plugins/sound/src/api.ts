// A contract as issue 15 wants them: interfaces, tokens and plain data only.
export type { SoundApi, Thing } from './sound-api';
export { SoundTokens } from './tokens';
