import { checkHost, checkPassphrase, checkPort, checkPrivateKey, checkServerName, checkSshPassword, checkSshUsername, isIpv6 } from './validation';

describe('server input rules (mirroring src/schemas.ts)', () => {
  it('names: 1–64 characters, no control or shell characters, no leading "-", no surrounding spaces', () => {
    for (const ok of ['nas', 'web-1', 'Raspberry Pi (garage)', 'a'.repeat(64), 'büro.lan']) expect(checkServerName(ok)).toBeUndefined();
    expect(checkServerName('')).toMatch(/Enter a name/);
    expect(checkServerName('a'.repeat(65))).toBe('Use at most 64 characters');
    expect(checkServerName('two\nlines')).toBe('Do not use control characters or line breaks');
    expect(checkServerName(' nas')).toBe('Remove the spaces at the start or end');
    expect(checkServerName('-rf')).toBe('Do not start the name with "-"');
    for (const c of '$`;|&<>\\"\'*?{}[]!#~') expect(checkServerName(`a${c}b`)).toMatch(/^Do not use any of/);
  });

  it('hosts: DNS names, IPv4 and IPv6 literals; helpful hints for common slips', () => {
    for (const ok of ['nas', 'nas.lan', 'server.example.com.', '192.168.1.20', '::1', 'fd00::5', '2001:db8::1']) expect(checkHost(ok)).toBeUndefined();
    expect(checkHost('')).toBe('Enter a host name or IP address');
    expect(checkHost('-oProxyCommand=x')).toBe('Do not start the host with "-"');
    expect(checkHost('root@nas')).toMatch(/Username field/);
    expect(checkHost('nas:2222')).toMatch(/Port field/);
    expect(checkHost('[::1]')).toBe('Enter the IPv6 address without brackets');
    expect(checkHost('ssh://nas')).toMatch(/without "ssh:\/\/"/);
    expect(checkHost('nas lan')).toMatch(/DNS name/);
    expect(checkHost('under_score.lan')).toMatch(/DNS name/);
    expect(checkHost(' nas')).toBe('Remove the spaces at the start or end');
    expect(isIpv6('1.2.3.4')).toBe(false);
    expect(isIpv6('fe80::1:2')).toBe(true);
  });

  it('ports, usernames, passwords', () => {
    expect(checkPort('22')).toBeUndefined();
    expect(checkPort('65535')).toBeUndefined();
    expect(checkPort('')).toMatch(/usually 22/);
    expect(checkPort('0')).toBe('Use a port from 1 to 65535');
    expect(checkPort('65536')).toBe('Use a port from 1 to 65535');
    expect(checkPort('22.5')).toBe('Enter a whole number');
    for (const ok of ['root', 'tomo_test', 'user@domain', 'a.b-c', '_svc']) expect(checkSshUsername(ok)).toBeUndefined();
    for (const bad of ['-x', '.x', 'a b', 'a;b']) expect(checkSshUsername(bad)).toMatch(/not starting with/);
    expect(checkSshPassword('')).toBe('Enter the password');
    expect(checkSshPassword('', true)).toBeUndefined();
    expect(checkSshPassword('x'.repeat(4097))).toMatch(/at most 4096/);
  });

  it('private keys and passphrases', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(checkPrivateKey(key)).toBeUndefined();
    expect(checkPrivateKey('-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----')).toBeUndefined();
    expect(checkPrivateKey('')).toMatch(/Paste the private key/);
    expect(checkPrivateKey('', true)).toBeUndefined();
    expect(checkPrivateKey('ssh-ed25519 AAAAC3Nza me@x')).toMatch(/public key/);
    expect(checkPrivateKey('-----BEGIN OPENSSH PRIVATE KEY-----\nabc')).toMatch(/whole private key/);
    expect(checkPrivateKey('PuTTY-User-Key-File-3: ssh-ed25519')).toMatch(/PuTTY/);
    expect(checkPassphrase('', '')).toBeUndefined();
    expect(checkPassphrase('pp', key)).toBeUndefined();
    expect(checkPassphrase('pp', '')).toMatch(/Also give the private key/);
  });
});
