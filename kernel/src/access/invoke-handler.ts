import { unauthorized } from '../errors';
import type { Access } from './principal';
import type { AuthenticatedCall, CallContext } from './call-context';

/** A route's or tool's handler with the call type its access level promises. */
type HandlerByAccess<I, O> =
  | { access: 'public'; handler(input: I, call: CallContext): O }
  | { access: Exclude<Access, 'public'>; handler(input: I, call: AuthenticatedCall): O };

/** True when the call carries a principal: the shape `authenticated` and `admin` handlers are promised. */
export function hasPrincipal(call: CallContext): call is AuthenticatedCall {
  return call.principal !== undefined;
}

/**
 * Calls a route's or tool's handler with the call its access level promises. `authorize` has
 * already refused a login-required call without a principal; the check is repeated here so the
 * promise made by the handler's type holds even if that order ever changes.
 */
export function invokeHandler<I, O>(definition: HandlerByAccess<I, O>, input: I, call: CallContext): O {
  if (definition.access === 'public') return definition.handler(input, call);
  if (!hasPrincipal(call)) throw unauthorized();
  return definition.handler(input, call);
}
