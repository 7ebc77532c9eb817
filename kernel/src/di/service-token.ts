/**
 * A typed name for a service in the DI container. A string underneath (not a symbol) so that
 * a third-party plugin built against its own copy of a plugin's `api.ts` still finds it.
 */
export type ServiceToken<T> = string & {
  /** Phantom field carrying the service type; never set at run time. */
  readonly __service?: T;
};

/** Makes a service token; by convention `'<plugin>.<Service>'`. */
export function createServiceToken<T>(id: string): ServiceToken<T> {
  if (!/^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9]*$/.test(id)) {
    throw new Error(`Service token id "${id}" must look like "<plugin-id>.<ServiceName>"`);
  }
  return id as ServiceToken<T>;
}
