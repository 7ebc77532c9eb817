import { StepFailure } from '../step-failure';
import { OsReleaseError, parseOsRelease, parseOsReleaseFields } from './parse-os-release';
import { osReleaseText } from './__fixtures__/fake-step-context';

describe('parseOsRelease on recorded /etc/os-release files', () => {
  test.each([
    ['ubuntu-20.04', 'ubuntu', '20.04', ['debian'], 'focal', 'Ubuntu 20.04.6 LTS'],
    ['ubuntu-22.04', 'ubuntu', '22.04', ['debian'], 'jammy', 'Ubuntu 22.04.5 LTS'],
    ['ubuntu-24.04', 'ubuntu', '24.04', ['debian'], 'noble', 'Ubuntu 24.04.3 LTS'],
    ['ubuntu-18.04', 'ubuntu', '18.04', ['debian'], 'bionic', 'Ubuntu 18.04.6 LTS'],
    ['debian-11', 'debian', '11', [], 'bullseye', 'Debian GNU/Linux 11 (bullseye)'],
    ['debian-12', 'debian', '12', [], 'bookworm', 'Debian GNU/Linux 12 (bookworm)'],
    ['debian-13', 'debian', '13', [], 'trixie', 'Debian GNU/Linux 13 (trixie)'],
    ['rocky-9', 'rocky', '9.3', ['rhel', 'centos', 'fedora'], null, 'Rocky Linux 9.3 (Blue Onyx)'],
    ['rocky-8', 'rocky', '8.9', ['rhel', 'centos', 'fedora'], null, 'Rocky Linux 8.9 (Green Obsidian)'],
    ['almalinux-9', 'almalinux', '9.4', ['rhel', 'centos', 'fedora'], null, 'AlmaLinux 9.4 (Seafoam Ocelot)'],
    ['rhel-9', 'rhel', '9.6', ['fedora'], null, 'Red Hat Enterprise Linux 9.6 (Plow)'],
    // VERSION_CODENAME="" is no codename.
    ['fedora-40', 'fedora', '40', [], null, 'Fedora Linux 40 (Server Edition)'],
    ['alpine-3.19', 'alpine', '3.19.1', [], null, 'Alpine Linux v3.19'],
    // A rolling release has no VERSION_ID: its BUILD_ID names it.
    ['arch', 'arch', 'rolling', [], null, 'Arch Linux'],
    ['centos-7', 'centos', '7', ['rhel', 'fedora'], null, 'CentOS Linux 7 (Core)'],
  ])('%s', (fixture, id, versionId, idLike, codename, prettyName) => {
    expect(parseOsRelease(osReleaseText(fixture), 'x86_64\n')).toEqual({ id, versionId, idLike, codename, prettyName, architecture: 'x86_64' });
  });
});

describe('parseOsRelease syntax', () => {
  const parse = (text: string) => parseOsRelease(text, 'aarch64');

  test('double quotes: \\" \\\\ \\$ and \\` are escapes, any other backslash stays', () => {
    const fields = parseOsReleaseFields('PRETTY_NAME="a \\"quoted\\" \\\\ \\$HOME \\`x\\` \\n end"');
    expect(fields.get('PRETTY_NAME')).toBe('a "quoted" \\ $HOME `x` \\n end');
  });

  test("single quotes are literal, segments join, and unquoted backslashes escape", () => {
    const fields = parseOsReleaseFields(["NAME='It\\s $literal'", 'VERSION="9.3 "\'(Blue Onyx)\'', 'ID=my\\ distro'].join('\n'));
    expect(fields.get('NAME')).toBe('It\\s $literal');
    expect(fields.get('VERSION')).toBe('9.3 (Blue Onyx)');
    expect(fields.get('ID')).toBe('my distro');
  });

  test('comments, blank lines, malformed lines and CRLF endings are skipped; the last assignment wins', () => {
    const text = ['# a comment', '', '   # indented comment', 'not an assignment', '1BAD=x', 'ID=debian\r', 'VERSION_ID="11"\r', 'VERSION_ID="12"', '  VERSION_CODENAME=bookworm   '].join('\n');
    expect(parse(text)).toEqual({ id: 'debian', versionId: '12', idLike: [], codename: 'bookworm', prettyName: 'Linux', architecture: 'aarch64' });
  });

  test('an unterminated quote runs to the end of the line', () => {
    expect(parseOsReleaseFields('NAME="Open ended\nID=x').get('NAME')).toBe('Open ended');
    expect(parseOsReleaseFields("NAME='Open ended").get('NAME')).toBe('Open ended');
  });

  test('ID and ID_LIKE are lower-cased; ID_LIKE is split on any blanks', () => {
    expect(parse('ID=Rocky\nVERSION_ID=9\nID_LIKE="RHEL  centos\tfedora"')).toMatchObject({ id: 'rocky', idLike: ['rhel', 'centos', 'fedora'] });
  });

  test('PRETTY_NAME falls back to NAME and VERSION; the codename to UBUNTU_CODENAME', () => {
    expect(parse('ID=ubuntu\nVERSION_ID=22.04\nNAME=Ubuntu\nVERSION="22.04 LTS"\nUBUNTU_CODENAME=jammy')).toMatchObject({
      prettyName: 'Ubuntu 22.04 LTS',
      codename: 'jammy',
    });
  });

  test('missing ID: the error names the field', () => {
    const error = (() => {
      try {
        parse('NAME="Mystery"\nVERSION_ID=1');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OsReleaseError);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as Error).message).toBe('/etc/os-release has no ID field: Tomo cannot tell which Linux distribution this server runs');
  });

  test('an empty ID counts as missing', () => {
    expect(() => parse('ID=""\nVERSION_ID=1')).toThrow('/etc/os-release has no ID field');
  });

  test('missing VERSION_ID (and no BUILD_ID): the error names the field', () => {
    // Debian testing/sid has no VERSION_ID.
    expect(() => parse('PRETTY_NAME="Debian GNU/Linux trixie/sid"\nID=debian\nVERSION_CODENAME=trixie')).toThrow(
      '/etc/os-release has no VERSION_ID field: Tomo cannot tell which release of Debian GNU/Linux trixie/sid this server runs',
    );
  });

  test('an empty text names ID first', () => {
    expect(() => parse('')).toThrow('/etc/os-release has no ID field');
  });

  test('an empty architecture is an error', () => {
    expect(() => parseOsRelease('ID=debian\nVERSION_ID=12', ' \n')).toThrow('The server did not report its architecture (uname -m printed nothing)');
  });
});
