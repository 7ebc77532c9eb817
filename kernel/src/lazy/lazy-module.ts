/**
 * A module loaded the first time it is used instead of when Tomo starts.
 *
 * Why: every `import` in code that start-up reaches is loaded before `/health` answers and stays
 * in memory for good, even when the feature it serves is never used on this instance (passkeys,
 * an e-mail channel, the Docker client before an app is installed, the MCP SDK before an agent
 * connects). Loading those on first use keeps idle memory and start-up time down (issue 19:
 * idle RSS and start-up, measured by `bench/foundation.js`, which also prints what each big
 * package costs when loaded).
 *
 * How: pass your own module's `require` (so the package resolves from your package, as a static
 * import would) and the module id; the first call of the returned function loads it, later calls
 * return the same module. Keep the types static with `import type`:
 *
 * ```ts
 * import type { Transporter } from 'nodemailer';
 * const nodemailer = lazyModule<typeof import('nodemailer')>(require, 'nodemailer');
 * // ... later, where it is needed:
 * const transport: Transporter = nodemailer().createTransport(options);
 * ```
 *
 * The module object is what `require` returns: for a package whose types use `export =` (or a
 * CommonJS default export) call it directly, there is no `.default`. ES-module-only packages load
 * too (Node.js loads them with `require` since 22.12).
 *
 * @param localRequire - the calling module's `require`
 * @param id - the module to load, as it would be imported
 * @returns a function that loads the module on its first call and returns it
 */
export function lazyModule<T>(localRequire: (id: string) => unknown, id: string): () => T {
  let loaded: { module: T } | undefined;
  return () => {
    loaded ??= { module: localRequire(id) as T };
    return loaded.module;
  };
}
