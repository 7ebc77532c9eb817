/**
 * Orders app names and categories for people: case and accents do not count ("élan" sits with
 * "Elan", between "dozzle" and "Gitea"), then the plain code-unit order breaks ties.
 *
 * Why not `localeCompare`: the first collation makes Node map ICU's collation tables, about 2 MB
 * of resident memory for the life of the process (issue 19, idle RSS), to sort a catalog whose
 * names are nearly all ASCII. Folding case and stripping combining marks gives the same order for
 * Latin-script names.
 */
const COMBINING_MARKS = /\p{M}/gu;

const foldedKey = (name: string): string => name.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareNames(a: string, b: string): number {
  return byCodeUnits(foldedKey(a), foldedKey(b)) || byCodeUnits(a, b);
}
