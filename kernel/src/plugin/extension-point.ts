/**
 * A typed reference to something a plugin lets others extend (an OS preparer list, a catalog
 * list, dashboard widgets). The owner declares it in its `api.ts`, provides the implementation
 * in `register`, and modules obtain it through their context. Looked up by id, so two copies of
 * the owner's `api.ts` still meet.
 */
export interface ExtensionPoint<T> {
  /** `'<owner plugin id>.<name>'`, e.g. `'preparation.osPreparers'`. */
  readonly id: string;
  /** Phantom field carrying the interface type; never set at run time. */
  readonly __type?: T;
}

const EXTENSION_POINT_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][A-Za-z0-9]*$/;

/** Declares an extension point. Throws when the id does not follow `'<plugin-id>.<camelName>'`. */
export function createExtensionPoint<T>(options: { id: string }): ExtensionPoint<T> {
  if (!EXTENSION_POINT_ID.test(options.id)) {
    throw new Error(`Extension point id "${options.id}" must look like "<plugin-id>.<camelCaseName>"`);
  }
  return Object.freeze({ id: options.id });
}
