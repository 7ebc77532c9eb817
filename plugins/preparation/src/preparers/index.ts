/** The built-in OS preparers, OS detection's parser and the preparer choice. */
import type { OsPreparer } from '../preparer-types';
import { debianFamilyPreparer } from './debian-family';
import { rhelFamilyPreparer } from './rhel-family';

export { debianFamilyPreparer } from './debian-family';
export { rhelFamilyPreparer } from './rhel-family';
export { parseOsRelease, parseOsReleaseFields, OsReleaseError } from './parse-os-release';
export { selectPreparer, UnsupportedOsError } from './select-preparer';
export * from './steps';

/** Built-in preparers, in the order they are asked (before any a plugin adds). */
export const builtInPreparers: readonly OsPreparer[] = [debianFamilyPreparer, rhelFamilyPreparer];
