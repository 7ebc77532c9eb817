import { StepFailure } from '../step-failure';
import type { DetectedOs, OsPreparer } from '../preparer-types';
import { builtInPreparers, debianFamilyPreparer, rhelFamilyPreparer, selectPreparer, UnsupportedOsError } from './index';
import { loadOs } from './__fixtures__/fake-step-context';

const SUPPORTED_LIST =
  'Ubuntu 20.04, Ubuntu 22.04, Ubuntu 24.04, Debian 11, Debian 12, Debian 13, RHEL 8, RHEL 9, Rocky Linux 8, Rocky Linux 9, AlmaLinux 8, AlmaLinux 9, Fedora 38 and later';

const os = (id: string, versionId: string, idLike: string[] = []): DetectedOs => ({
  id,
  versionId,
  idLike,
  codename: null,
  prettyName: `${id} ${versionId}`,
  architecture: 'x86_64',
});

test('the built-in preparers, Debian family first', () => {
  expect(builtInPreparers).toEqual([debianFamilyPreparer, rhelFamilyPreparer]);
  expect(builtInPreparers.map((p) => p.id)).toEqual(['debian-family', 'rhel-family']);
  expect(builtInPreparers.flatMap((p) => p.supported).join(', ')).toBe(SUPPORTED_LIST);
});

test.each([
  ['ubuntu-20.04', 'debian-family'],
  ['ubuntu-22.04', 'debian-family'],
  ['ubuntu-24.04', 'debian-family'],
  ['debian-11', 'debian-family'],
  ['debian-12', 'debian-family'],
  ['debian-13', 'debian-family'],
  ['rocky-8', 'rhel-family'],
  ['rocky-9', 'rhel-family'],
  ['almalinux-9', 'rhel-family'],
  ['rhel-9', 'rhel-family'],
  ['fedora-40', 'rhel-family'],
])('%s is prepared by %s', (fixture, preparerId) => {
  expect(selectPreparer(builtInPreparers, loadOs(fixture)).id).toBe(preparerId);
});

test.each([
  ['alpine-3.19', 'unsupported OS alpine 3.19.1'],
  ['arch', 'unsupported OS arch rolling'],
  ['centos-7', 'unsupported OS centos 7'],
  ['ubuntu-18.04', 'unsupported OS ubuntu 18.04'],
])('%s (recorded) is refused: the message lists every supported entry', (fixture, start) => {
  let error: unknown;
  try {
    selectPreparer(builtInPreparers, loadOs(fixture));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UnsupportedOsError);
  expect(error).toBeInstanceOf(StepFailure);
  expect((error as Error).message).toBe(`${start}; supported: ${SUPPORTED_LIST}`);
  expect((error as UnsupportedOsError).os.id).toBe(loadOs(fixture).id);
});

test.each([
  ['derivatives that say ID_LIKE=debian or ubuntu are not claimed', os('linuxmint', '21.3', ['ubuntu', 'debian'])],
  ['Raspberry Pi OS style derivative', os('raspbian', '12', ['debian'])],
  ['non-LTS Ubuntu', os('ubuntu', '23.10', ['debian'])],
  ['an Ubuntu point version string', os('ubuntu', '22.04.4', ['debian'])],
  ['Debian 10', os('debian', '10')],
  ['Rocky Linux 10', os('rocky', '10.0', ['rhel', 'centos', 'fedora'])],
  ['RHEL 7', os('rhel', '7.9', ['fedora'])],
  ['AlmaLinux 7-like version', os('almalinux', '7', ['rhel'])],
  ['CentOS Stream 9 (ID_LIKE rhel, not claimed)', os('centos', '9', ['rhel', 'fedora'])],
  ['Oracle Linux 9 (ID_LIKE fedora, not claimed)', os('ol', '9.4', ['fedora'])],
  ['Fedora 37', os('fedora', '37')],
  ['Fedora with a non-numeric version', os('fedora', 'rawhide')],
  ['an ID that is an Object property name', os('constructor', '12')],
  ['an ID that is __proto__', os('__proto__', '9')],
])('not supported: %s', (_name, detected) => {
  expect(() => selectPreparer(builtInPreparers, detected)).toThrow(`unsupported OS ${detected.id} ${detected.versionId}; supported: ${SUPPORTED_LIST}`);
});

test.each([
  ['Fedora 38', os('fedora', '38')],
  ['Fedora 41 (dnf 5)', os('fedora', '41')],
  ['Fedora 42', os('fedora', '42')],
  ['RHEL 8.10', os('rhel', '8.10', ['fedora'])],
  ['AlmaLinux 8', os('almalinux', '8.9', ['rhel', 'centos', 'fedora'])],
  ['Rocky Linux 9 without a minor', os('rocky', '9')],
])('supported beyond the recorded files: %s', (_name, detected) => {
  expect(selectPreparer(builtInPreparers, detected).id).toBe('rhel-family');
});

describe('with preparers other plugins add', () => {
  const custom = (id: string, supported: string[], claims: (os: DetectedOs) => boolean): OsPreparer => ({
    id,
    supported,
    supports: claims,
    plan: () => [],
  });

  test('the first preparer that supports the OS wins', () => {
    const mint = custom('mint', ['Linux Mint 21'], (o) => o.id === 'linuxmint');
    const greedy = custom('greedy', ['anything'], () => true);
    expect(selectPreparer([...builtInPreparers, mint, greedy], os('linuxmint', '21.3')).id).toBe('mint');
    expect(selectPreparer([...builtInPreparers, mint, greedy], loadOs('debian-12')).id).toBe('debian-family');
    expect(selectPreparer([greedy, ...builtInPreparers], loadOs('debian-12')).id).toBe('greedy');
  });

  test("the message lists every preparer's entries, in order", () => {
    const alpine = custom('alpine', ['Alpine 3.20', 'Alpine 3.21'], (o) => o.id === 'alpine' && o.versionId.startsWith('3.2'));
    expect(() => selectPreparer([...builtInPreparers, alpine], loadOs('alpine-3.19'))).toThrow(
      new Error(`unsupported OS alpine 3.19.1; supported: ${SUPPORTED_LIST}, Alpine 3.20, Alpine 3.21`),
    );
  });

  test('no preparers at all', () => {
    expect(() => selectPreparer([], loadOs('debian-12'))).toThrow(new Error('unsupported OS debian 12; supported: '));
  });
});

test('plan() refuses an OS its preparer does not support', () => {
  expect(() => debianFamilyPreparer.plan(loadOs('rocky-9'))).toThrow('debian-family does not support rocky 9.3');
  expect(() => rhelFamilyPreparer.plan(loadOs('debian-12'))).toThrow('rhel-family does not support debian 12');
});
