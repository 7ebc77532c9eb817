import type { Access, Principal, Transport } from '../access/principal';
import { forbidden, unauthorized } from '../errors';
import type { HookRegistry } from '../hooks/hook-set';
import { kernelHooks } from '../hooks/kernel-hooks';

/**
 * Resolves the principal for a credential through the `authenticate` hook and enforces the
 * access level. Shared by HTTP routes and MCP tools, so both doors apply the same checks.
 */
export async function authorize(
  hooks: HookRegistry,
  access: Access,
  credential: string | undefined,
  transport: Transport,
  clientIp: string,
): Promise<Principal | undefined> {
  let principal: Principal | undefined;
  if (credential) {
    principal = (await hooks.of(kernelHooks).authenticate.promise({ credential, transport, clientIp })) ?? undefined;
  }
  if (access === 'public') return principal;
  if (!principal) throw unauthorized();
  if (access === 'admin' && principal.role !== 'admin') throw forbidden('Only an admin can do this');
  return principal;
}
