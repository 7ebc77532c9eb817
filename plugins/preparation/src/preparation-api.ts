/**
 * The preparation service as other plugins see it: plain views in and out. The implementing
 * class is `services/preparation-service.ts`.
 */
import type { Principal } from '@tomo/kernel';
import type { ServerHandle } from '@tomo/plugin-servers/api';
import type { PreparationView } from './views';

/** What other plugins ask of preparations (apps checks a server is prepared before an install). */
export interface PreparationApi {
  /** The server's preparation, `pending` with no steps when it was never prepared; 404 when the caller may not see the server. */
  status(principal: Principal, serverId: string): Promise<PreparationView>;
  /** The status of the server behind a handle the caller already holds (the handle is the proof of access). */
  statusFor(server: ServerHandle): Promise<PreparationView>;
  /** Resolves when the server's running preparation (if any) has finished. */
  waitFor(serverId: string): Promise<void>;
}
