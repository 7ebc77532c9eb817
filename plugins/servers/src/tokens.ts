import { createServiceToken } from '@tomo/kernel';
import type { ServerService } from './contract/server-service';

/** The servers plugin's service, resolved by other plugins with `ctx.resolve(ServersTokens.ServerService)`. */
export const ServersTokens = Object.freeze({
  ServerService: createServiceToken<ServerService>('servers.ServerService'),
});
