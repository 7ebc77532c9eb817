import { categoryLabel, colourOf, count, formatMemory, initialOf, publishedPort, volumeSource, webUrl } from './format';

describe('format', () => {
  it('labels categories', () => {
    expect(categoryLabel('media-server')).toBe('Media server');
    expect(categoryLabel('network')).toBe('Network');
  });

  it('takes the first letter or digit as the initial', () => {
    expect(initialOf('uptime Kuma')).toBe('U');
    expect(initialOf('<img src=x>')).toBe('I');
    expect(initialOf('2fauth')).toBe('2');
    expect(initialOf('émile')).toBe('É');
    expect(initialOf('--')).toBe('?');
  });

  it('gives a name always the same of six colours', () => {
    expect(colourOf('Jellyfin')).toBe(colourOf('Jellyfin'));
    expect(new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(colourOf)).size).toBeGreaterThan(1);
    expect(colourOf('x')).toBeLessThan(6);
  });

  it('formats memory, ports, volumes and counts', () => {
    expect([formatMemory(128), formatMemory(1024), formatMemory(1536)]).toEqual(['128 MiB', '1 GiB', '1.5 GiB']);
    expect(publishedPort({ host: 8081, container: 80, protocol: 'tcp' })).toBe('8081 → 80/tcp');
    expect(volumeSource({ kind: 'data', subPath: '', containerPath: '/data', readOnly: false })).toBe('App data folder');
    expect(volumeSource({ kind: 'host', hostPath: '/media', containerPath: '/media', readOnly: true, dockerSocket: false })).toBe('/media');
    expect([count(1, 'app'), count(2, 'app')]).toEqual(['1 app', '2 apps']);
  });
});

describe('webUrl', () => {
  it('keeps http(s) addresses only', () => {
    expect(webUrl('https://example.com/x')).toBe('https://example.com/x');
    expect(webUrl('http://192.168.1.20:3001/')).toBe('http://192.168.1.20:3001/');
    expect(webUrl('javascript:alert(1)')).toBeUndefined();
    expect(webUrl('data:text/html,hi')).toBeUndefined();
    expect(webUrl('not a url')).toBeUndefined();
    expect(webUrl(null)).toBeUndefined();
  });
});
