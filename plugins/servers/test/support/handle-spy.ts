import type { ServerHandle, ServerService } from '@tomo/plugin-servers/api';

/** One SSH call made through a server handle. */
export interface HandleCall {
  serverId: string;
  method: 'exec' | 'openStream' | 'upload' | 'download';
  args: unknown[];
}

const SSH_METHODS: ReadonlyArray<HandleCall['method']> = ['exec', 'openStream', 'upload', 'download'];

/**
 * Wraps every handle the service makes from now on (`forCaller` and `forSystem`): `around` sees
 * each SSH call and runs it with `proceed` (so a test can count, time or hold it). Returns the undo.
 */
export function spyOnHandles(service: ServerService, around: (call: HandleCall, proceed: () => Promise<unknown>) => Promise<unknown>): () => void {
  const wrap = (handle: ServerHandle): ServerHandle => {
    const methods = handle as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const method of SSH_METHODS) {
      const original = methods[method].bind(handle);
      methods[method] = (...args: unknown[]) => around({ serverId: handle.info.id, method, args }, () => original(...args));
    }
    return handle;
  };
  const forCaller = service.forCaller;
  const forSystem = service.forSystem;
  service.forCaller = async (...args) => wrap(await forCaller.apply(service, args));
  service.forSystem = async (...args) => wrap(await forSystem.apply(service, args));
  return () => {
    service.forCaller = forCaller;
    service.forSystem = forSystem;
  };
}
