import type { Access, Principal, Transport } from '../access/principal';
import { forbidden, unauthorized } from '../errors';
import type { HookRegistry } from '../hooks/hook-set';
import { kernelHooks } from '../hooks/kernel-hooks';

/**
 * Resolves the principal for a credential and enforces the access level. Shared by HTTP routes
 * and MCP tools, so both doors apply the same checks. A credential known from memory
 * (`authenticateKnown`) is answered at once, without a promise; any other goes through the
 * `authenticate` hook. A refusal is thrown, synchronously or as the promise's rejection. Callers
 * await the answer only when it is a promise: awaiting a plain value still costs a turn of the
 * microtask queue.
 */
export function authorize(
  hooks: HookRegistry,
  access: Access,
  credential: string | undefined,
  transport: Transport,
  clientIp: string,
): Principal | undefined | Promise<Principal | undefined> {
  if (!credential) return admit(access, undefined);
  const request = { credential, transport, clientIp };
  const set = hooks.of(kernelHooks);
  const known = set.authenticateKnown.call(request);
  if (known) return admit(access, known);
  return set.authenticate.promise(request).then((principal) => admit(access, principal ?? undefined));
}

/** The access check itself: throws 401 without a principal (unless public), 403 for a non-admin on an admin door. */
function admit(access: Access, principal: Principal | undefined): Principal | undefined {
  if (access === 'public') return principal;
  if (!principal) throw unauthorized();
  if (access === 'admin' && principal.role !== 'admin') throw forbidden('Only an admin can do this');
  return principal;
}
