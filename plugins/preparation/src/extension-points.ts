import { createExtensionPoint } from '@tomo/kernel';
import type { OsPreparersExtension } from './preparer-types';

/** Add an OS preparer: `ctx.getExtensionPoint(preparationOsPreparersExtensionPoint).addPreparer(...)`. */
export const preparationOsPreparersExtensionPoint = createExtensionPoint<OsPreparersExtension>({ id: 'preparation.osPreparers' });
