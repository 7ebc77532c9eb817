import { parseImageReference } from './image-reference';

describe('parseImageReference', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['nextcloud:latest', { repository: 'nextcloud', tag: 'latest' }],
    ['jellyfin/jellyfin:10.11.11', { repository: 'jellyfin/jellyfin', tag: '10.11.11' }],
    ['ghcr.io/home-assistant/home-assistant:stable', { registry: 'ghcr.io', repository: 'home-assistant/home-assistant', tag: 'stable' }],
    ['localhost:5000/team/app:1.0-rc.1', { registry: 'localhost:5000', repository: 'team/app', tag: '1.0-rc.1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    ['lscr.io/linuxserver/heimdall:2.8.3', { registry: 'lscr.io', repository: 'linuxserver/heimdall', tag: '2.8.3' }],
    ['my_org/my__app-x:v1', { repository: 'my_org/my__app-x', tag: 'v1' }],
    [`nginx@sha256:${'a'.repeat(64)}`, { repository: 'nginx', digest: `sha256:${'a'.repeat(64)}` }],
    [`nginx:1.27@sha256:${'b'.repeat(64)}`, { repository: 'nginx', tag: '1.27', digest: `sha256:${'b'.repeat(64)}` }],
  ])('accepts %s', (ref, expected) => {
    expect(parseImageReference(ref)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [JSON.stringify('nginx;id'), 'nginx;id', /";"/],
    [JSON.stringify('-nginx'), '-nginx', /start with "-"/],
    [JSON.stringify('--privileged'), '--privileged', /start with "-"/],
    [JSON.stringify('nginx latest'), 'nginx latest', /whitespace/],
    [JSON.stringify('nginx\n'), 'nginx\n', /whitespace/],
    [JSON.stringify(''), '', /empty/],
    [JSON.stringify('Nginx'), 'Nginx', /lowercase/],
    [JSON.stringify('nginx:'), 'nginx:', /tag ""/],
    [JSON.stringify('nginx:-x'), 'nginx:-x', /tag "-x"/],
    [JSON.stringify('nginx:.x'), 'nginx:.x', /tag ".x"/],
    ['a 129-character tag', `nginx:${'a'.repeat(129)}`, /tag/],
    [JSON.stringify('nginx@sha256:abc'), 'nginx@sha256:abc', /digest/],
    [JSON.stringify('nginx$(id)'), 'nginx$(id)', /"\$"/],
    [JSON.stringify('a|b'), 'a|b', /"\|"/],
    [JSON.stringify('nginx/'), 'nginx/', /"" in/],
    [JSON.stringify('a..b'), 'a..b', /separated/],
    [JSON.stringify('a-/b'), 'a-/b', /separated/],
    [JSON.stringify('_a'), '_a', /separated/],
    [JSON.stringify('bad_host.io/app'), 'bad_host.io/app', /registry "bad_host.io"/],
    [JSON.stringify(':tag'), ':tag', /name an image/],
    [JSON.stringify('ghcr.io/'), 'ghcr.io/', /repository after the registry/],
    [JSON.stringify('x\u200b'), 'x\u200b', /invisible/],
    ['a 600-character reference', 'a'.repeat(600), /at most 512/],
    ['a 256-character name', `${'a'.repeat(256)}:1`, /at most 255/],
    [JSON.stringify(42), 42, /must be a text/],
  ])('rejects %s', (_label, ref, message) => {
    const r = parseImageReference(ref);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
