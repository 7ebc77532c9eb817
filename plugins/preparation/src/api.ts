/**
 * The preparation plugin's contract: what other plugins may import. The `preparation.osPreparers`
 * extension point and the plain types a preparer is written against, the service interface and
 * its views, the token to resolve it by, and the hook set. No class, no entity: implementations
 * import `hooks.ts` / `tokens.ts` / `extension-points.ts`, never this file.
 */
export type { OsPreparer, OsPreparersExtension, PreparationStep, Privilege, RunOptions, StepContext } from './preparer-types';
export type { ComposeStatus, DetectedOs, DockerSource, LogLine, PreparationStatus, PreparationView, StartOptions, StepState, StepView } from './views';
export type { PreparationApi } from './preparation-api';
export { preparationOsPreparersExtensionPoint } from './extension-points';
export { PreparationTokens } from './tokens';
export { preparationHooks } from './hooks';
