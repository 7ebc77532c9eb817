import { formatBytes } from '@tomo/ui-shell/kit';
import { address, formatMs, hostKeyFile, osLabel, relativeTime } from './format';

describe('format helpers', () => {
  const now = Date.parse('2025-03-10T12:00:00Z');

  it('relative times', () => {
    expect(relativeTime(null, now)).toBe('Never');
    expect(relativeTime('2025-03-10T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2025-03-10T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2025-03-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(relativeTime('2025-03-09T12:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('not a date', now)).toBe('not a date');
  });

  it('bytes, milliseconds, addresses, OS names and host key files', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.0 GiB');
    expect(formatBytes(1.5 * 1024 ** 4)).toBe('1.5 TiB');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1340)).toBe('1.3 s');
    expect(address({ host: 'nas', port: 22 })).toBe('nas:22');
    expect(address({ host: 'fd00::5', port: 2222 })).toBe('[fd00::5]:2222');
    const none = { hostname: null, osId: null, osVersion: null, osName: null, kernel: null, architecture: null, cpuCount: null, memoryBytes: null, rootDiskBytes: null, dockerVersion: null };
    expect(osLabel(null)).toBe('—');
    expect(osLabel(none)).toBe('—');
    expect(osLabel({ ...none, osId: 'alpine', osVersion: '3.19' })).toBe('alpine 3.19');
    expect(hostKeyFile('ssh-ed25519')).toBe('/etc/ssh/ssh_host_ed25519_key.pub');
    expect(hostKeyFile('rsa-sha2-512')).toBe('/etc/ssh/ssh_host_rsa_key.pub');
    expect(hostKeyFile('ecdsa-sha2-nistp256')).toBe('/etc/ssh/ssh_host_ecdsa_key.pub');
    expect(hostKeyFile(undefined)).toBe('/etc/ssh/ssh_host_ed25519_key.pub');
  });
});
