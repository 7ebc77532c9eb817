/**
 * The kernel API version: one integer covering everything `@tomo/kernel` and
 * `@tomo/kernel/testing` export (the types, functions and classes, the members of the plugin
 * interfaces, and what they do).
 *
 * How versioning works:
 *
 * - It changes only when a change would break an existing plugin: an export removed or renamed,
 *   a member of {@link PluginDefinition}, {@link PluginContext} and friends removed or retyped,
 *   or a documented behaviour changed. Additions an existing plugin can ignore (a new export, a
 *   new optional field) keep the number.
 * - A plugin declares the version it was written for in `apiVersion` (see {@link definePlugin}
 *   and {@link definePluginModule}).
 * - At start-up the kernel compares the two for exact equality; there are no ranges. A plugin or
 *   module declaring another version is refused by name ("Plugin "x" was built for kernel API 2;
 *   this Tomo provides kernel API 1"): a third-party one is listed as `disabled` with that reason
 *   (see {@link PluginStatus}), and so are plugins that depend on it; a built-in one stops
 *   start-up with a {@link PluginLoadError}.
 * - When `apiVersion` is left out, `definePlugin` fills in the value of the `@tomo/kernel` that
 *   runs it. Inside Tomo that is the host's own copy (plugins share it rather than bring one),
 *   so an undeclared version always matches: declare it to be protected by the check.
 *
 * The package version ({@link KERNEL_VERSION}) is separate and says nothing about compatibility.
 */
export const KERNEL_API_VERSION = 1;

/**
 * The kernel package's own version (`kernel/package.json`). `/api/status`, the OpenAPI document
 * and the MCP server info show it when the distribution gives no version of its own
 * (`KernelOptions.version`). Not a compatibility promise: that is {@link KERNEL_API_VERSION}.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const KERNEL_VERSION: string = (require('../package.json') as { version: string }).version;
