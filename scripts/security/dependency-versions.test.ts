/**
 * Every copy of a security-relevant package in package-lock.json is at or above the version
 * that fixed its known advisories (scripts/security/fixed-versions.ts), and the packages on
 * Tomo's security boundary are really there (a rename must not make the check pass silently).
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { FIXED_VERSIONS, type FixedVersionRule } from './fixed-versions';

const ROOT = path.resolve(__dirname, '..', '..');
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; link?: boolean }> };

/** name → every version of it in the lockfile, with where. */
function copiesInLock(): Map<string, Array<{ version: string; where: string }>> {
  const copies = new Map<string, Array<{ version: string; where: string }>>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where.includes('node_modules/') || !entry.version || entry.link) continue;
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    copies.set(name, [...(copies.get(name) ?? []), { version: entry.version, where }]);
  }
  return copies;
}

/** The minimum for this version's major, or null when the rule accepts that major. */
export function minimumFor(rule: FixedVersionRule, version: string): string | null {
  const major = String(semver.major(version));
  return rule.minimum[major] ?? rule.minimum['*'] ?? null;
}

const copies = copiesInLock();

test.each(Object.entries(FIXED_VERSIONS))('%s is at or above its fixed version everywhere in the lockfile', (name, rule) => {
  const found = copies.get(name) ?? [];
  if (rule.required) expect(found.map((c) => c.where)).not.toEqual([]);
  const below = found.filter((c) => {
    const minimum = minimumFor(rule, c.version);
    return minimum !== null && semver.lt(c.version, minimum);
  });
  expect(below.map((c) => `${c.where}@${c.version} (${rule.why})`)).toEqual([]);
});

test('the rule itself: a version below its major\'s minimum fails, other majors as declared', () => {
  const rule: FixedVersionRule = { minimum: { '3': '3.14.2', '4': '4.1.1' }, why: 'example' };
  expect(minimumFor(rule, '3.14.1')).toBe('3.14.2');
  expect(semver.lt('3.14.1', minimumFor(rule, '3.14.1')!)).toBe(true);
  expect(semver.lt('4.1.1', minimumFor(rule, '4.1.1')!)).toBe(false);
  expect(minimumFor(rule, '5.0.0')).toBeNull();
  expect(minimumFor({ minimum: { '*': '9.0.0' }, why: 'x' }, '8.5.1')).toBe('9.0.0');
});
