import { isDeepStrictEqual } from 'node:util';
import { badRequest } from '../errors';

/**
 * One argument a tool accepts under two names (a current one and an alias: the product spec's
 * name, or a deprecated one kept for a release): the value given under either, undefined when
 * neither. Both given with different values is a `validation_failed` error naming both, so a
 * caller never has one silently win.
 *
 * @param primary  `[name, value]` of the tool's own name for the argument.
 * @param alias    `[name, value]` of the other name (dotted for a nested one, e.g. `config.ports`).
 */
export function aliasedArgument<T>(primary: readonly [string, T | undefined], alias: readonly [string, T | undefined]): T | undefined {
  const [name, value] = primary;
  const [aliasName, aliasValue] = alias;
  if (value !== undefined && aliasValue !== undefined && !isDeepStrictEqual(value, aliasValue)) {
    throw badRequest(aliasName, `${name} and ${aliasName} are the same argument under two names and were given different values: give one`);
  }
  return value !== undefined ? value : aliasValue;
}
